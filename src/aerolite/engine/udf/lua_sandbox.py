'''Lua source of the sandbox: per-module global environments, ``require``, logging and the budget.

Contract: a UDF module runs in its own environment (the node gives each module its own Lua state)
holding only safe globals: the base functions minus ``dofile``/``loadfile``, ``load`` forced to text mode
and to the module's environment, ``collectgarbage`` limited to count/collect/step, copies of
``string`` (without ``dump``), ``table``, ``math``, ``utf8``, ``coroutine``, an ``os`` with only
``time``/``clock``/``date``/``difftime``, the Aerospike modules, the node's logging globals
(``trace``/``debug``/``info``/``warn``; ``debug`` is the logger, as on a node) and a ``require`` that
loads other *registered* modules into the same environment. There is no ``io``, ``package`` or
``debug`` library.

Pattern matching runs in C, where the instruction budget cannot stop it, and backtracking over several
quantifiers costs up to ``#subject ^ quantifiers`` steps: ``find``/``match``/``gmatch``/``gsub`` (also
as string methods) refuse a pattern whose worst case passes ``PATTERN_STEPS`` with a clear error.

The budget: ``P.guarded(limit, deadline, f, ...)`` runs ``f`` under a count hook. Once ``limit``
instructions are spent (summed over coroutines, which get the hook when the sandbox's
``coroutine.create``/``wrap`` make them) or the clock (``now``, Python's monotonic clock: wall time,
since processor time lags it on a busy machine) has passed ``deadline`` (checked every 16 000
instructions, a fraction of a millisecond) the hook raises on every instruction, so a ``pcall`` cannot
swallow it. Python removes the hook after each guarded call.
'''

SANDBOX_LUA = r"""
local P, log, now = ...
local next, type, tostring, error, select, load, setmetatable = next, type, tostring, error, select, load,
      setmetatable
local rawmeta, sethook = debug.getmetatable, debug.sethook
local sformat, concat, pack, unpack = string.format, table.concat, table.pack, table.unpack
local co_create, co_resume = coroutine.create, coroutine.resume
local real_collectgarbage = collectgarbage

---------------------------------------------------------------- instruction budget
local STEP = 1000
local CLOCK_EVERY = 16 * STEP
local used, limit, deadline, tripped = 0, 0, 0, nil
local BUDGET_MESSAGE = "UDF: instruction limit exceeded"
local TIME_MESSAGE = "UDF: time limit exceeded"

local function hook()
  used = used + STEP
  if not tripped then
    if used > limit then
      tripped = BUDGET_MESSAGE
    elseif used % CLOCK_EVERY == 0 and now() > deadline then
      tripped = TIME_MESSAGE
    else
      return
    end
    sethook(hook, "", 1)
  end
  error(tripped, 0)
end

-- Hook functions are registered per thread, so a new coroutine needs its own.
local function hooked_create(f)
  local co = co_create(f)
  sethook(co, hook, "", STEP)
  return co
end

local function hooked_wrap(f)
  local co = hooked_create(f)
  return function(...)
    local results = pack(co_resume(co, ...))
    if not results[1] then error(results[2], 0) end
    return unpack(results, 2, results.n)
  end
end

-- Also fails when only a coroutine ran out and the caller swallowed its error.
function P.guarded(max_instructions, until_time, f, ...)
  used, limit, deadline, tripped = 0, max_instructions, until_time, nil
  sethook(hook, "", STEP)
  local results = pack(f(...))
  if tripped then error(tripped, 0) end
  return unpack(results, 1, results.n)
end

---------------------------------------------------------------- globals of a module environment
local function logger(level)
  return function(fmt, ...)
    if select("#", ...) > 0 then log(level, sformat(fmt, ...)) else log(level, tostring(fmt)) end
  end
end

local function print_to_log(...)
  local parts = pack(...)
  for i = 1, parts.n do parts[i] = tostring(parts[i]) end
  log(2, concat(parts, "\t", 1, parts.n))
end

local GC_OPTIONS = {collect = true, count = true, step = true}
local function limited_collectgarbage(opt, ...)
  if opt ~= nil and not GC_OPTIONS[opt] then
    error(sformat("collectgarbage option '%s' is not allowed in a UDF", tostring(opt)), 0)
  end
  return real_collectgarbage(opt, ...)
end

local function aerospike_log(_, level, fmt, ...) logger(level)(fmt, ...); return 0 end

local BASE = {
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
  xpcall = xpcall, rawequal = rawequal, rawget = rawget, rawset = rawset, rawlen = rawlen,
  select = select, tonumber = tonumber, tostring = tostring, type = type, setmetatable = setmetatable,
  getmetatable = getmetatable, unpack = table.unpack, _VERSION = _VERSION,
  collectgarbage = limited_collectgarbage, print = print_to_log,
  warn = logger(1), info = logger(2), debug = logger(3), trace = logger(4),
}

---------------------------------------------------------------- pattern matching cost
local PATTERN_STEPS = 1e8
local sfind, sbyte = string.find, string.byte
local QUANTIFIERS = {[42] = true, [43] = true, [45] = true}  -- * + -

-- The quantifiers of a pattern, outside sets and escapes (a quantifier first in the pattern is a literal).
local function quantifiers(pattern)
  local count, i, n = 0, 1, #pattern
  while i <= n do
    local c = sbyte(pattern, i)
    if c == 37 then                  -- %x: an escape or a class, one item
      i = i + 2
    elseif c == 91 then              -- [set]: up to the closing bracket
      local close = sfind(pattern, "]", i + 2, true)
      i = (close or n) + 1
    else
      if QUANTIFIERS[c] and i > 1 then count = count + 1 end
      i = i + 1
    end
  end
  return count
end

local function costly(subject, pattern)
  if type(subject) ~= "string" or type(pattern) ~= "string" then return end
  local q = quantifiers(pattern)
  if q > 1 and (#subject) ^ q > PATTERN_STEPS then
    error(sformat("UDF: pattern with %d quantifiers is too costly for a subject of %d bytes", q, #subject), 3)
  end
end

local function guarded_pattern(f, plain_arg)
  return function(subject, pattern, ...)
    if plain_arg == nil or not select(plain_arg - 2, ...) then costly(subject, pattern) end
    return f(subject, pattern, ...)
  end
end
string.find = guarded_pattern(string.find, 4)   -- find(s, p, init, plain): plain searches are linear
string.match = guarded_pattern(string.match)
string.gmatch = guarded_pattern(string.gmatch)
string.gsub = guarded_pattern(string.gsub)

local safe_string = {}
for k, v in next, string do if k ~= "dump" then safe_string[k] = v end end
string.dump = nil                    -- also unreachable through ("").dump
getmetatable("").__metatable = "string"

local safe_coroutine = {}
for k, v in next, coroutine do safe_coroutine[k] = v end
safe_coroutine.create, safe_coroutine.wrap = hooked_create, hooked_wrap

local LIBRARIES = {
  string = safe_string, table = table, math = math, utf8 = utf8, coroutine = safe_coroutine,
  os = {time = os.time, clock = os.clock, date = os.date, difftime = os.difftime},
  list = P.List, map = P.Map, bytes = P.Bytes, record = P.Record,
  aerospike = P.Aerospike,
}
P.Aerospike.log = aerospike_log

local function copy(t)
  local c = {}
  for k, v in next, t do c[k] = v end
  return setmetatable(c, rawmeta(t))
end

-- A fresh environment; fetch(name) returns the source of registered module name.lua, or nil.
function P.new_env(fetch)
  local env = {}
  for k, v in next, BASE do env[k] = v end
  for k, lib in next, LIBRARIES do env[k] = copy(lib) end
  env._G = env
  local loaded = {}
  env.load = function(chunk, chunkname, _, chunk_env)
    if chunk_env == nil then chunk_env = env end
    return load(chunk, chunkname, "t", chunk_env)
  end
  env.require = function(name)
    if type(name) ~= "string" then error("bad argument #1 to 'require' (string expected)", 2) end
    local done = loaded[name]
    if done ~= nil then return done end
    local source = fetch(name)
    if source == nil then error(sformat("module '%s' not found", name), 0) end
    local chunk, err = load(source, "@" .. name .. ".lua", "t", env)
    if not chunk then error(err, 0) end
    done = chunk(name)
    if done == nil then done = true end
    loaded[name] = done
    return done
  end
  return env
end

---------------------------------------------------------------- one call
-- false when the function does not exist; else true, the return value and P.finish's values.
function P.invoke(env, fname, orig, open, gen, ttl, lut, setname, digest, key, ...)
  local f = env[fname]
  if type(f) ~= "function" then return false end
  local st = {orig = orig, open = open, gen = gen, ttl = ttl, lut = lut, setname = setname, digest = digest,
              key = key}
  local ret = f(P.new_record(st), ...)
  return true, ret, P.finish(st)
end
"""
