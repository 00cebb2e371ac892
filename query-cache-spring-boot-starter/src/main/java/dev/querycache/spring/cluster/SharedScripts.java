package dev.querycache.spring.cluster;

import java.util.List;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The shared level's Lua scripts. Each touches only the keys it is given, and the keys of one script share
 * a hash slot (SharedKeys): an entry's copy and lease, or the invalidation record alone. Design notes in
 * {@link RedisSharedLevel}. Constants only.
 */
@SuppressWarnings("rawtypes")
final class SharedScripts {

    private SharedScripts() {
    }

    /** KEYS: copy, lease. ARGV: token, lease ms, extend ms, read ('1' or '0'), max bytes. */
    static final RedisScript<List> READ_OR_LEASE = RedisScript.of("""
            if ARGV[4] == '1' then
              local len = redis.call('STRLEN', KEYS[1])
              if len > 0 then
                if len > tonumber(ARGV[5]) then return {'big', tostring(len)} end
                local v = redis.call('GET', KEYS[1])
                if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
                return {'copy', v}
              end
            end
            if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'lease'} end
            return {'wait', tostring(redis.call('PTTL', KEYS[2]))}
            """, List.class);

    /** KEYS: record. ARGV: a new epoch (kept only when the record has none). Answers epoch, generation. */
    static final RedisScript<List> SNAPSHOT = RedisScript.of("""
            redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
            local r = redis.call('HMGET', KEYS[1], 'epoch', 'gen')
            return {r[1], r[2] or '0'}
            """, List.class);

    /** KEYS: record. ARGV: the copy's epoch, its generation, its fields. Answers '1' when it is readable. */
    static final RedisScript<List> CHECK = RedisScript.of("""
            if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return {'0'} end
            local g = tonumber(ARGV[2])
            if tonumber(redis.call('HGET', KEYS[1], 'floor') or '0') > g then return {'0'} end
            for i = 3, #ARGV do
              local v = redis.call('HGET', KEYS[1], ARGV[i])
              if v and tonumber(v) > g then return {'0'} end
            end
            return {'1'}
            """, List.class);

    /** KEYS: record. ARGV: max fields, the fields invalidated. Answers the new generation. */
    static final RedisScript<List> INVALIDATE = RedisScript.of("""
            local g = redis.call('HINCRBY', KEYS[1], 'gen', 1)
            for i = 2, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], g) end
            if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[1]) then
              for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
                if f ~= 'epoch' and f ~= 'gen' then redis.call('HDEL', KEYS[1], f) end
              end
              redis.call('HSET', KEYS[1], 'floor', g)
            end
            return {tostring(g)}
            """, List.class);

    /** KEYS: copy, lease. ARGV: ready channel. */
    static final RedisScript<List> INVALIDATE_ENTRY = RedisScript.of("""
            local n = redis.call('DEL', KEYS[1], KEYS[2])
            redis.call('PUBLISH', ARGV[1], KEYS[1])
            return {tostring(n)}
            """, List.class);

    /** KEYS: copy, lease. ARGV: token, copy ('' keeps it local), ttl ms (0: none), ready channel. */
    static final RedisScript<List> STORE = RedisScript.of("""
            local stored = 0
            if redis.call('GET', KEYS[2]) == ARGV[1] then
              if ARGV[2] ~= '' then
                local ttl = tonumber(ARGV[3])
                if ttl > 0 then redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl) else redis.call('SET', KEYS[1], ARGV[2]) end
                stored = 1
              end
              redis.call('DEL', KEYS[2])
            end
            redis.call('PUBLISH', ARGV[4], KEYS[1])
            return {tostring(stored)}
            """, List.class);
}
