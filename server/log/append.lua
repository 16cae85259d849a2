-- Appends one command to a room's log, atomically.
--
-- KEYS[1]  hearth:{meeting_id}:seq     the last seq given out (INCR)
-- KEYS[2]  hearth:{meeting_id}:log     the history, a stream with ids 0-<seq>
-- KEYS[3]  hearth:{meeting_id}:epoch   names this life of the history
-- ARGV[1]  the payload (opaque bytes)
-- ARGV[2]  seconds the room's keys live after this append (EXPIRE)
-- ARGV[3]  the most entries the stream keeps (XADD MAXLEN)
-- ARGV[4]  the room's pub/sub channel, hearth:{meeting_id}:live
-- ARGV[5]  a fresh epoch, used only when the room has none (new, or its history was lost)
-- ARGV[6]  PUBLISH, or SPUBLISH on a Redis Cluster (sharded: the channel's slot is the keys')
--
-- Returns {epoch, seq, at_ms}. Publishes "epoch seq at_ms payload" (space separated;
-- the payload is JSON with no raw newline but may contain spaces, so it comes last).
-- If the epoch is missing, the seq and the stream are reset too: a half-lost room
-- never mixes two histories under one epoch.

local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = ARGV[5]
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('SET', KEYS[3], epoch)
end
local seq = redis.call('INCR', KEYS[1])
local now = redis.call('TIME')
local at_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], '0-' .. seq, 'a', at_ms, 'p', ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('EXPIRE', KEYS[3], ttl)
local publish = ARGV[6] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
redis.call(publish, ARGV[4], epoch .. ' ' .. seq .. ' ' .. at_ms .. ' ' .. ARGV[1])
return {epoch, seq, at_ms}
