export { createInspector, type Inspector, type InspectorOptions, type Verdict, type ObjectVerdict, type Finding, type AllowList, type InspectContext } from './inspector.js';
export { inspectionHook, type InspectionHookOptions, type RouteInspection, type Rejection } from './fastify-hook.js';
export { fieldKinds, detectorNames, type FieldKind, type Paranoia, type DetectorName } from './types.js';
export { kindPolicies, identifierPattern } from './field-kinds.js';
export { defaultLimits, type InputLimits, type LimitBreach } from './limits.js';
export { kindOf, type FieldKindMap } from './field-walk.js';
export { ValueViews, decodeRepeatedly } from './normalise.js';
