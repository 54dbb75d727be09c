/**
 * Lua scripts, each one round trip and atomic. Keys are full Redis keys (prefix included).
 */

/** KEYS[1] value key, KEYS[2..] tag sets; ARGV[1] encoded value, ARGV[2] ttl ms (0 = none). */
export const setTaggedScript = `
local ttl = tonumber(ARGV[2])
if ttl > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl) else redis.call('SET', KEYS[1], ARGV[1]) end
for index = 2, #KEYS do
  local existed = redis.call('EXISTS', KEYS[index])
  redis.call('SADD', KEYS[index], KEYS[1])
  -- A tag set lives as long as its longest-lived member, so it cannot outlive its use forever.
  if ttl == 0 then redis.call('PERSIST', KEYS[index])
  else
    local current = redis.call('PTTL', KEYS[index])
    if existed == 0 or (current >= 0 and current < ttl) then redis.call('PEXPIRE', KEYS[index], ttl) end
  end
end
return 1`;

/** KEYS[1] tag set. Deletes its members and itself; returns how many members existed. */
export const deleteTagScript = `
local members = redis.call('SMEMBERS', KEYS[1])
local removed = 0
for start = 1, #members, 500 do
  removed = removed + redis.call('UNLINK', unpack(members, start, math.min(start + 499, #members)))
end
redis.call('DEL', KEYS[1])
return removed`;

/** KEYS[1] counter; ARGV[1] increment, ARGV[2] ttl ms applied only when the counter has no expiry. */
export const incrScript = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl > 0 and redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ttl) end
return value`;
