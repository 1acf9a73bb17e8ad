-- Set a user's password (PBKDF2-bound), a new value each time so history never refuses it.
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local id = math.random(3, 500)
  if (id - 2) % 10 == 0 then id = id + 1 end -- every tenth scale user is AD-synchronised (read-only)
  return wrk.format(nil, "/verba/restapi/v1/users/" .. id, nil, '{"password":"bench rotation ' .. n .. '-' .. math.random(1, 1000000000) .. '"}')
end
