-- PATCH the secret of a random Amazon S3 storage target (rotation under load). The scale data cycles through the
-- four storage target types, so ids 5, 9, 13… are amazon_s3; id 1 keeps the secret the verify run checks.
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
local max = tonumber(os.getenv("ENTITIES") or "100")
request = function()
  local id = 1 + 4 * math.random(1, math.floor((max - 1) / 4))
  return wrk.format(nil, "/verba/restapi/v1/storageTargets/" .. id, nil, '{"secretAccessKey":"bench-rotated-' .. math.random(1, 1000000) .. '"}')
end
