-- wrk script: GET /epayment/v1/payments/{reference}, cycling over the references in BENCH_REFERENCES
-- (comma-separated) so the load spreads over many stateful payments. Auth headers come from -H.
local references = {}
for reference in string.gmatch(os.getenv("BENCH_REFERENCES") or "", "[^,]+") do
  references[#references + 1] = reference
end
local counter = 0

request = function()
  counter = counter + 1
  local reference = references[(counter % #references) + 1]
  return wrk.format("GET", "/epayment/v1/payments/" .. reference)
end
