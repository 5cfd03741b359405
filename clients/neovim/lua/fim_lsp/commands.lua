-- What `:FimLsp status`, `:FimLsp stats` and `:FimLsp last` show (plugin/fim_lsp.lua defines the
-- command): the state of the ghost text and of each client, and the server's answers in a window.
local api = vim.api

local M = {}

--- `:FimLsp stats` and `:FimLsp last`: run the server command `command` and show the text it
--- answers in a scratch window; `nothing` is said when it has none.
---@param command string
---@param nothing string
function M.show(command, nothing)
  local fim = require('fim_lsp')
  local client = fim.clients(0)[1] or fim.clients()[1]
  if not client then
    vim.notify('fim-lsp: the server is not running (:checkhealth fim_lsp)', vim.log.levels.WARN)
    return
  end
  client:request('workspace/executeCommand', { command = command }, function(err, result)
    if err then
      vim.notify(('fim-lsp: %s failed: %s'):format(command, err.message), vim.log.levels.ERROR)
      return
    end
    if type(result) ~= 'table' or type(result.text) ~= 'string' then
      vim.notify('fim-lsp: ' .. nothing)
      return
    end
    local name = 'fim-lsp://' .. command
    local old = vim.fn.bufnr(name)
    if old ~= -1 then
      api.nvim_buf_delete(old, { force = true })
    end
    vim.cmd('botright new')
    local buf = api.nvim_get_current_buf()
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].swapfile = false
    api.nvim_buf_set_name(buf, name)
    api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(result.text, '\n', { plain = true }))
    vim.bo[buf].modifiable = false
  end, 0)
end

--- `:FimLsp status`: one line per client, or why there is none.
---@return string[]
function M.status_lines()
  local fim = require('fim_lsp')
  local status = require('fim_lsp.status')
  local lines = {
    ('ghost text: %s (%s), %s in this buffer'):format(
      fim.is_enabled() and 'on' or 'off',
      fim.builtin and 'built-in vim.lsp.inline_completion' or 'fim_lsp extmarks',
      fim.ready(0) and 'active' or 'not active'
    ),
  }
  local clients = fim.clients()
  if #clients == 0 then
    lines[#lines + 1] = 'server: not running (run :checkhealth fim_lsp)'
  end
  for _, client in ipairs(clients) do
    local bufs = vim.tbl_keys(client.attached_buffers)
    lines[#lines + 1] = ('server: %s (id %d, %d buffer%s), status %s'):format(
      client.name,
      client.id,
      #bufs,
      #bufs == 1 and '' or 's',
      status.describe(client.id)
    )
  end
  return lines
end

return M
