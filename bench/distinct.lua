-- Every request a transform no one asked for before: size=m at a new (quality, saturation).
-- args: <path prefix, e.g. /AbCdEfGhIj?size=m> <first index>
local n = 0
local prefix = "/"
function init(args)
  prefix = args[1]
  n = tonumber(args[2] or "0")
end
function request()
  n = n + 1
  local q = 1 + (n % 100)
  local s = 1 + 0.01 * (1 + math.floor(n / 100) % 99)
  return wrk.format("GET", string.format("%s&quality=%d&saturation=%.2f", prefix, q, s))
end
