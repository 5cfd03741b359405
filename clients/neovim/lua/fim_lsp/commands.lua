-- What `:FimLsp status`, `:FimLsp stats`, `:FimLsp last` and `:FimLsp log` show (plugin/fim_lsp.lua
-- defines the command): the state of the ghost text and of each client, the server's answers in a
-- window, and the LSP log with the server's own levels.
local api = vim.api

local M = {}

--- A scratch buffer named `name` in a new window (`open`, e.g. 'botright new'), holding `lines`.
local function scratch(open, name, lines)
  local old = vim.fn.bufnr(name)
  if old ~= -1 then
    api.nvim_buf_delete(old, { force = true })
  end
  vim.cmd(open)
  local buf = api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  api.nvim_buf_set_name(buf, name)
  api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  return buf
end

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
    scratch('botright new', 'fim-lsp://' .. command, vim.split(result.text, '\n', { plain = true }))
  end, 0)
end

local ESCAPES = { n = '\n', t = '\t', r = '\r', a = '\a', b = '\b', f = '\f', v = '\v' }

--- The text of a string as Neovim's log writes it (`vim.inspect`: quoted, backslash escapes).
local function unquote(quoted)
  local parts, i, body = {}, 1, quoted:sub(2, -2)
  while i <= #body do
    local c = body:sub(i, i)
    if c ~= '\\' then
      parts[#parts + 1] = c
      i = i + 1
    else
      local code = body:match('^%d%d?%d?', i + 1)
      if code then
        parts[#parts + 1] = string.char(math.min(tonumber(code), 255))
        i = i + 1 + #code
      else
        local e = body:sub(i + 1, i + 1)
        parts[#parts + 1] = ESCAPES[e] or e
        i = i + 2
      end
    end
  end
  return table.concat(parts)
end

--- The LSP log's lines, where Neovim tags every line a server writes to stderr `[ERROR]`: each of
--- the server's lines instead, tagged with its own level (continuations keep the last one).
---@param lines string[]
---@return string[]
function M.log_lines(lines)
  local out = {}
  local level = 'ERROR'
  for _, line in ipairs(lines) do
    local time, chunk = line:match('^%[%u+%]%[([^%]]+)%] .-\t"rpc"\t.-\t"stderr"\t(".*")$')
    if not chunk then
      out[#out + 1] = line
    else
      for _, text in ipairs(vim.split(unquote(chunk), '\n', { plain = true, trimempty = true })) do
        level = text:match('^%d+%-%d+%-%d+ [%d:,.]+ (%u+) ') or level
        out[#out + 1] = ('[%s][%s] stderr: %s'):format(level, time, text)
      end
    end
  end
  return out
end

--- `:FimLsp log`: the LSP log, the server's lines with their own levels, in a new tab.
function M.log()
  local path = vim.lsp.log.get_filename()
  local ok, lines = pcall(vim.fn.readfile, path)
  scratch('tabnew', 'fim-lsp://log', ok and M.log_lines(lines) or { 'no log at ' .. path })
  vim.cmd('normal! G')
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
