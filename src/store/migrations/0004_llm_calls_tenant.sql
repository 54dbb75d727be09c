-- The gateway seeds a tenant's daily budget account from the ledger (tenant, day) and the costs
-- report reads all calls since a date: without these both scan the whole llm_calls table.
CREATE INDEX llm_calls_tenant_idx ON llm_calls (tenant, created_at);
CREATE INDEX llm_calls_created_idx ON llm_calls (created_at);
