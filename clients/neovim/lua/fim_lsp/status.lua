-- The server's `fimLsp/status` notification, remembered per client for `:FimLsp status` and health.
local M = {}

---@type table<integer, {kind: string, busy: boolean, message: string}>
M.by_client = {}

function M.on_status(err, params, ctx)
  if err or type(params) ~= 'table' then
    return
  end
  M.by_client[ctx.client_id] = {
    kind = tostring(params.kind or 'normal'),
    busy = params.busy == true,
    message = tostring(params.message or ''),
  }
  vim.api.nvim_exec_autocmds('User', { pattern = 'FimLspStatus', modeline = false, data = params })
end

--- One line for a client: "normal, ready" / "error: the key was rejected" / "unknown".
---@param client_id integer
---@return string
function M.describe(client_id)
  local s = M.by_client[client_id]
  if not s then
    return 'no status received yet'
  end
  return ('%s%s: %s'):format(s.kind, s.busy and ' (busy)' or '', s.message)
end

return M
