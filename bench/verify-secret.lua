-- Verify the known secret of storage target 1 (matches: no lockout under load).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"property":"secretAccessKey","value":"bench-known-secret"}'
