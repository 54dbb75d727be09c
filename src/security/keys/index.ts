export { generateKey, generateSecret, parseKey, hashSecret, secretMatches, keyPattern, type GeneratedKey } from './format.js';
export { apiScopes, isApiScope, isRouteScope, scopeAllows, type ApiScope, type RouteScope } from './scopes.js';
export { createApiKey, listKeys, revokeKey, keyView, type ApiKeyView, type CreateKeyOptions } from './manage.js';
export { createKeyVerifier, localAdmin, type KeyVerifier, type KeyVerifierOptions, type Principal } from './verifier.js';
