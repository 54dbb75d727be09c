export { checkArgv, resolveProgram, runWorkspaceCommand, type CommandResult, type CommandSettings } from './commands.js';
export { listWorkspaceFiles, readWorkspaceFile, writeWorkspaceFile, type WorkspaceEntry, type WorkspaceLimits } from './files.js';
export { checkPathSyntax, resolveWorkspacePath, workspaceFolder, type ResolvedWorkspacePath } from './paths.js';
export { workspaceTools, type WorkspaceToolContext, type WorkspaceToolName } from './tools.js';
