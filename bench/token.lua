-- Request tokens with the scale users' shared password.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"client_id":"user000001","client_secret":"scale-user-password-2026"}'
