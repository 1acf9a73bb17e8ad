-- PATCH a random storage target's secret (rotation under load).
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
local max = tonumber(os.getenv("ENTITIES") or "100")
request = function()
  local id = math.random(1, max)
  return wrk.format(nil, "/verba/restapi/v1/storageTargets/" .. id, nil, '{"secretAccessKey":"bench-rotated-' .. math.random(1, 1000000) .. '"}')
end
