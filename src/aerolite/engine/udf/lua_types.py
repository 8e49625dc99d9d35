'''Lua source of the Aerospike value types a UDF sees: ``list``, ``map`` and ``bytes``.

Contract (mirrors the node's ``mod_lua`` modules): lists are 1-based and may hold nil (their size is
tracked apart from the table, as ``as_list`` does); maps are Lua tables whose size is counted; bytes
wrap an immutable Lua string. Values are plain tables with a protected metatable, so element access is
a raw table access (fast) and user code cannot reach or alter the shared metatables.

Values Lua has no type for (GeoJSON, HLL) are opaque handles: an empty table whose only content is
the Python-side id and a display text, so no Python object is ever reachable from Lua.

The chunk receives the private namespace ``P`` and fills in the modules (``P.List``, ``P.Map``,
``P.Bytes``) plus the hooks the Python converter needs (``adopt_list``, ``adopt_map``, ``new_bytes``,
``new_opaque``, ``describe``).
'''

TYPES_LUA = r"""
local P = ...
local setmetatable, rawget, rawset, rawlen, next, type, tostring, error, select =
      setmetatable, rawget, rawset, rawlen, next, type, tostring, error, select
local rawmeta, tointeger, max, min = debug.getmetatable, math.tointeger, math.max, math.min
local concat, schar, sbyte, ssub, srep, sformat = table.concat, string.char, string.byte, string.sub,
      string.rep, string.format

local SIZE = setmetatable({}, {__mode = "k"})   -- list -> element count
local DATA = setmetatable({}, {__mode = "k"})   -- bytes -> content string
local OPAQUE = setmetatable({}, {__mode = "k"}) -- opaque handle -> {python id, display text}
local ListMT = {__metatable = "List"}
local MapMT = {__metatable = "Map"}
local BytesMT = {__metatable = "Bytes"}
local OpaqueMT = {__metatable = "Opaque", __tostring = function(o) return OPAQUE[o][2] end}

local function show(v)
  if type(v) == "string" then return '"' .. v .. '"' end
  return tostring(v)
end

local function checked(t, mt, kind, fname)
  if rawmeta(t) ~= mt then
    error(sformat("bad argument #1 to '%s' (%s expected, got %s)", fname, kind, type(t)), 3)
  end
  return t
end

---------------------------------------------------------------- list
local List = {}

local function slice(src, first, last)
  local l, n = {}, 0
  for i = first, last do n = n + 1; l[n] = src[i] end
  SIZE[l] = max(n, 0)
  return setmetatable(l, ListMT)
end

local function size_of(l, fname) return SIZE[checked(l, ListMT, "List", fname)] end

function List.create() return slice({}, 1, 0) end
function List.size(l) return size_of(l, "size") end

function List.append(l, v)
  local n = size_of(l, "append") + 1
  rawset(l, n, v); SIZE[l] = n
end

function List.insert(l, pos, v)
  local n = size_of(l, "insert")
  pos = tointeger(pos)
  if not pos or pos < 1 then return end
  if pos > n then rawset(l, pos, v); SIZE[l] = pos; return end
  for i = n, pos, -1 do rawset(l, i + 1, l[i]) end
  rawset(l, pos, v); SIZE[l] = n + 1
end

function List.prepend(l, v) checked(l, ListMT, "List", "prepend"); List.insert(l, 1, v) end

function List.remove(l, pos)
  local n = size_of(l, "remove")
  pos = tointeger(pos)
  if not pos or pos < 1 or pos > n then return end
  for i = pos, n - 1 do rawset(l, i, l[i + 1]) end
  rawset(l, n, nil); SIZE[l] = n - 1
end

function List.trim(l, pos)
  local n = size_of(l, "trim")
  pos = max(tointeger(pos) or 1, 1)
  for i = pos, n do rawset(l, i, nil) end
  SIZE[l] = min(n, pos - 1)
end

function List.take(l, k) local n = size_of(l, "take"); return slice(l, 1, min(k, n)) end
function List.drop(l, k) local n = size_of(l, "drop"); return slice(l, max(k, 0) + 1, n) end
function List.clone(l) return slice(l, 1, size_of(l, "clone")) end

function List.concat(l, other)
  local n, m = size_of(l, "concat"), size_of(other, "concat")
  for i = 1, m do rawset(l, n + i, other[i]) end
  SIZE[l] = n + m
end

function List.merge(a, b)
  local r = List.clone(a)
  List.concat(r, b)
  return r
end

function List.iterator(l)
  local n, i = size_of(l, "iterator"), 0
  return function()
    if i < n then i = i + 1; return l[i] end
  end
end

ListMT.__len = function(l) return SIZE[l] end
ListMT.__newindex = function(l, i, v)
  local k = tointeger(i)
  if not k or k < 1 then error("bad List index (positive integer expected)", 2) end
  rawset(l, k, v)
  if k > SIZE[l] then SIZE[l] = k end
end
ListMT.__tostring = function(l)
  local parts = {}
  for i = 1, SIZE[l] do parts[i] = show(l[i]) end
  return "[" .. concat(parts, ", ") .. "]"
end

setmetatable(List, {__metatable = false, __call = function(_, t)
  if t == nil then return List.create() end
  if type(t) ~= "table" then error("bad argument #1 to 'list' (table expected)", 2) end
  return slice(t, 1, #t)
end})

---------------------------------------------------------------- map
local Map = {}

local function new_map(src)
  local m = {}
  if src then for k, v in next, src do m[k] = v end end
  return setmetatable(m, MapMT)
end

local function count(m)
  local n = 0
  for _ in next, m do n = n + 1 end
  return n
end

function Map.create() return new_map() end
function Map.size(m) return count(checked(m, MapMT, "Map", "size")) end
function Map.clone(m) return new_map(checked(m, MapMT, "Map", "clone")) end
function Map.remove(m, k) rawset(checked(m, MapMT, "Map", "remove"), k, nil) end

local function walker(m, fname, pick)
  checked(m, MapMT, "Map", fname)
  local k
  return function()
    local v
    k, v = next(m, k)
    if k ~= nil then return pick(k, v) end
  end
end

function Map.pairs(m) return walker(m, "pairs", function(k, v) return k, v end) end
function Map.keys(m) return walker(m, "keys", function(k) return k end) end
function Map.values(m) return walker(m, "values", function(_, v) return v end) end
Map.iterator = Map.pairs

function Map.merge(a, b, resolve)
  local r = new_map(checked(a, MapMT, "Map", "merge"))
  for k, v in next, checked(b, MapMT, "Map", "merge") do
    local old = r[k]
    if old ~= nil and resolve then r[k] = resolve(old, v) else r[k] = v end
  end
  return r
end

function Map.diff(a, b)
  checked(a, MapMT, "Map", "diff"); checked(b, MapMT, "Map", "diff")
  local r = new_map()
  for k, v in next, a do if b[k] == nil then r[k] = v end end
  for k, v in next, b do if a[k] == nil then r[k] = v end end
  return r
end

MapMT.__len = count
MapMT.__tostring = function(m)
  local parts = {}
  for k, v in next, m do parts[#parts + 1] = show(k) .. ":" .. show(v) end
  return "{" .. concat(parts, ", ") .. "}"
end

setmetatable(Map, {__metatable = false, __call = function(_, t)
  if t ~= nil and type(t) ~= "table" then error("bad argument #1 to 'map' (table expected)", 2) end
  return new_map(t)
end})

---------------------------------------------------------------- bytes
local Bytes = {}

local function new_bytes(s)
  local b = setmetatable({}, BytesMT)
  DATA[b] = s
  return b
end

local function content(b, fname) return DATA[checked(b, BytesMT, "Bytes", fname)] end

local function splice(b, pos, s, fname)
  local old = content(b, fname)
  pos = tointeger(pos)
  if not pos or pos < 1 then error(sformat("bad argument #2 to '%s' (position must be >= 1)", fname), 3) end
  if pos > #old + 1 then old = old .. srep("\0", pos - 1 - #old) end
  DATA[b] = ssub(old, 1, pos - 1) .. s .. ssub(old, pos + #s)
end

function Bytes.size(b) return #content(b, "size") end
function Bytes.get_byte(b, i) return sbyte(content(b, "get_byte"), i) end
function Bytes.set_byte(b, i, v) splice(b, i, schar(v), "set_byte") end
function Bytes.get_string(b, pos, len) return ssub(content(b, "get_string"), pos, pos + len - 1) end
function Bytes.set_string(b, pos, s) splice(b, pos, s, "set_string") end
function Bytes.get_bytes(b, pos, len) return new_bytes(ssub(content(b, "get_bytes"), pos, pos + len - 1)) end
function Bytes.append_string(b, s) DATA[b] = content(b, "append_string") .. s end
function Bytes.append_bytes(b, other, len)
  local s = content(other, "append_bytes")
  DATA[b] = content(b, "append_bytes") .. ssub(s, 1, len or #s)
end

BytesMT.__len = function(b) return #DATA[b] end
BytesMT.__index = function(b, i) return sbyte(DATA[b], i) end
BytesMT.__newindex = function(b, i, v) splice(b, i, schar(v), "set_byte") end
BytesMT.__tostring = function(b)
  return (DATA[b]:gsub(".", function(c) return sformat("%02X", sbyte(c)) end))
end

setmetatable(Bytes, {__metatable = false, __call = function(_, n)
  return new_bytes(srep("\0", tointeger(n) or 0))
end})

---------------------------------------------------------------- hooks for the Python converter
P.List, P.Map, P.Bytes, P.new_bytes = List, Map, Bytes, new_bytes

function P.adopt_list(t, n) SIZE[t] = n; return setmetatable(t, ListMT) end
function P.adopt_map(t) return setmetatable(t, MapMT) end
function P.new_opaque(id, text)
  local o = setmetatable({}, OpaqueMT)
  OPAQUE[o] = {id, text}
  return o
end

-- What a value is, for conversion to Python:
-- ("list", n) | ("map") | ("bytes", s) | ("opaque", id) | ("other").
-- Plain tables count as lists when they are proper sequences, else as maps.
function P.describe(t)
  local mt = rawmeta(t)
  if mt == ListMT then return "list", SIZE[t] end
  if mt == MapMT then return "map" end
  if mt == BytesMT then return "bytes", DATA[t] end
  if mt == OpaqueMT then return "opaque", OPAQUE[t][1] end
  if mt ~= nil then return "other" end
  local n = rawlen(t)
  if count(t) == n then return "list", n end
  return "map"
end
"""
