'''Lua source of the record a UDF receives (``rec``) and of the ``record`` and ``aerospike`` modules.

Contract (mirrors the node's ``udf_record`` / ``udf_aerospike``): ``rec['b'] = v`` only caches the
change; ``aerospike:create`` / ``aerospike:update`` commit the cached changes (what is set after the last
commit is dropped, as on a node); ``aerospike:remove`` discards the cache and deletes every bin.
Return codes follow the node: ``update`` of a missing record answers -2 and changes nothing,
``create`` of a record that has bins answers 1, ``remove`` of a missing record answers 1.

Per-call state lives in a table under a private key of ``rec``: ``orig`` (the stored bins), ``pend``
(uncommitted changes), ``comm`` (committed changes), ``cleared`` (a remove happened), ``open`` (the
record exists for the UDF), ``wrote`` (something was committed) and the metadata. Deleted bins are the
private ``DEL`` marker in ``pend`` / ``comm``. ``P.finish`` turns the state into what Python applies.
'''

RECORD_LUA = r"""
local P = ...
local setmetatable, rawget, next, type, error, tostring = setmetatable, rawget, next, type, error, tostring
local sformat = string.format
local tointeger = math.tointeger

local KEY, DEL = {}, {}
local RecMT = {__metatable = "Record"}

local function state(r, fname)
  local st = type(r) == "table" and rawget(r, KEY)
  if not st then error(sformat("bad argument #1 to '%s' (Record expected, got %s)", fname, type(r)), 3) end
  return st
end

local function lookup(st, name)
  local p, c = st.pend, st.comm
  local v = p and p[name]
  if v == nil then v = c and c[name] end
  if v == nil then
    if st.cleared then return nil end
    return st.orig[name]
  end
  if v == DEL then return nil end
  return v
end

-- Names of the bins the stored record has now (committed view), in a stable order.
local function stored_names(st)
  local names, c = {}, st.comm
  if not st.cleared then
    for name in next, st.orig do
      if not (c and c[name] == DEL) then names[#names + 1] = name end
    end
  end
  if c then
    for name, v in next, c do
      if v ~= DEL and (st.cleared or st.orig[name] == nil) then names[#names + 1] = name end
    end
  end
  return names
end

RecMT.__index = function(r, name) return lookup(rawget(r, KEY), name) end
RecMT.__newindex = function(r, name, v)
  if type(name) ~= "string" then error("bin name must be a string", 2) end
  local st = rawget(r, KEY)
  local p = st.pend
  if not p then p = {}; st.pend = p end
  if v == nil then v = DEL end
  p[name] = v
end
RecMT.__tostring = function(r) return sformat("Record(%s)", tostring(rawget(r, KEY).setname)) end

local function commit(st)
  local p = st.pend
  if p then
    local c = st.comm
    if not c then c = {}; st.comm = c end
    for name, v in next, p do c[name] = v end
    st.pend = nil
  end
  st.wrote = true
  return 0
end

---------------------------------------------------------------- aerospike
local Aerospike = {}
function Aerospike:exists(r) return state(r, "exists").open end
function Aerospike:update(r)
  local st = state(r, "update")
  if not st.open then return -2 end
  return commit(st)
end
function Aerospike:create(r)
  local st = state(r, "create")
  if st.open and #stored_names(st) > 0 then return 1 end
  st.open = true
  return commit(st)
end
function Aerospike:remove(r)
  local st = state(r, "remove")
  if not st.open then return 1 end
  st.pend, st.comm, st.cleared, st.wrote = nil, nil, true, true
  return 0
end

---------------------------------------------------------------- record
local Record = {}
function Record.ttl(r) return state(r, "ttl").ttl end
function Record.gen(r) return state(r, "gen").gen end
function Record.last_update_time(r) return state(r, "last_update_time").lut end
function Record.digest(r) return P.new_bytes(state(r, "digest").digest) end
function Record.key(r) return state(r, "key").key end
function Record.setname(r)
  local name = state(r, "setname").setname
  if name == "" then return nil end
  return name
end
function Record.bin_names(r) return stored_names(state(r, "bin_names")) end
function Record.numbins(r) return #stored_names(state(r, "numbins")) end
function Record.set_ttl(r, ttl)
  local st = state(r, "set_ttl")
  local n = tointeger(ttl)
  if not n then error("bad argument #2 to 'set_ttl' (integer expected)", 2) end
  st.newttl = n
  return 0
end

P.Aerospike, P.Record = Aerospike, Record

function P.new_record(st) return setmetatable({[KEY] = st}, RecMT) end

-- wrote, cleared, {name = value} committed, {names} deleted, new ttl (or nil)
function P.finish(st)
  if not st.wrote then return false, false, nil, nil, st.newttl end
  local sets, dels = {}, {}
  local c = st.comm
  if c then
    for name, v in next, c do
      if v == DEL then dels[#dels + 1] = name else sets[name] = v end
    end
  end
  return true, st.cleared == true, sets, dels, st.newttl
end
"""
