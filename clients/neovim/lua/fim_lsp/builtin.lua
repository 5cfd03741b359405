-- Neovim 0.12+ only: the adapter to the built-in `vim.lsp.inline_completion`, which asks our server
-- and draws the ghost text itself. This is the one module that relies on the built-in's internals
-- (its namespace and augroup names, its hint highlight, how it calls `client:request`); on 0.11 it
-- defines nothing but `available`, and ghost.lua draws instead. It answers the same calls.
local lifecycle = require('fim_lsp.lifecycle')
local text = require('fim_lsp.text')

local api = vim.api

local M = {}

--- Whether this Neovim has the built-in (0.12+).
M.available = vim.lsp.inline_completion ~= nil
if not M.available then
  return M
end

local inline = vim.lsp.inline_completion

-- the built-in draws into this namespace; we read it for partial accepts
local ns = api.nvim_create_namespace('nvim.lsp.inline_completion')

--- The built-in's per-buffer augroup, which holds its insert-mode trigger.
local function augroup(buf)
  return 'nvim.lsp.inline_completion:' .. buf
end

--- Is the built-in's trigger set up for `buf`?
---@param buf integer
---@return boolean
function M.ready(buf)
  local ok, autocmds = pcall(api.nvim_get_autocmds, { group = augroup(buf) })
  return ok and #autocmds > 0
end

local function chunks_text(chunks)
  local parts = {}
  for _, chunk in ipairs(chunks or {}) do
    if chunk[2] ~= 'ComplHintMore' then -- the " (1/3)" index hint is not suggestion text
      parts[#parts + 1] = chunk[1]
    end
  end
  return table.concat(parts)
end

--- The suggestion the built-in shows in `buf`: where its remaining text starts and what it is.
---@param buf integer
---@return {row: integer, col: integer, text: string}?
function M.current(buf)
  local mark = api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true, limit = 1 })[1]
  if not mark then
    return nil
  end
  local lines = { chunks_text(mark[4].virt_text) }
  for _, line in ipairs(mark[4].virt_lines or {}) do
    lines[#lines + 1] = chunks_text(line)
  end
  local shown = table.concat(lines, '\n')
  return shown ~= '' and { row = mark[2], col = mark[3], text = shown } or nil
end

--- Ask for a suggestion in `buf` now.
---@param buf integer
function M.request(buf)
  -- the built-in has no public trigger: run its own insert-mode trigger for this buffer
  pcall(api.nvim_exec_autocmds, 'CursorMovedI', {
    group = augroup(buf),
    buffer = buf,
    modeline = false,
  })
end

--- Insert `part` of the suggestion `s` shown in `buf`; `rest` is what is left of it.
---@param buf integer
---@param s {row: integer, col: integer, text: string}
---@param part string
---@param rest string
function M.accept(buf, s, part, rest)
  if rest ~= '' and not part:find('\n', 1, true) then
    -- the built-in keeps its item and redraws what is left of it after our insertion
    text.insert_at(buf, s.row, s.col, part)
    return
  end
  -- close the built-in's item first; what is left comes back from the server's cache
  inline.get({
    bufnr = buf,
    on_accept = function(item)
      text.insert_at(buf, s.row, s.col, part)
      if rest ~= '' then
        M.request(api.nvim_get_current_buf())
      elseif item then
        lifecycle.accepted(buf, item.command, item.client_id)
      end
      return nil
    end,
  })
end

--- Hide the suggestion in `buf`: close the built-in's item without inserting it.
---@param buf integer
function M.dismiss(buf)
  inline.get({
    bufnr = buf,
    on_accept = function()
      return nil
    end,
  })
end

--- Turn the built-in on or off in every buffer `clients` are attached to.
---@param enable boolean
---@param clients vim.lsp.Client[]
function M.enable(enable, clients)
  for _, client in ipairs(clients) do
    for buf in pairs(client.attached_buffers) do
      inline.enable(enable, { bufnr = buf })
    end
  end
end

--- The built-in asks and draws itself: wrap `client.request` to see its answers from our server,
--- so that what it shows can be reported.
---@param client vim.lsp.Client
local function watch(client)
  if client._fim_lsp_watched then
    return
  end
  client._fim_lsp_watched = true
  local request = client.request
  ---@diagnostic disable-next-line: duplicate-set-field
  client.request = function(self, method, params, handler, bufnr)
    if method == 'textDocument/inlineCompletion' and handler then
      local inner = handler
      handler = function(err, result, ctx, config)
        inner(err, result, ctx, config)
        local items = not err and result and (result.items or result) or {}
        if items[1] and ctx.bufnr and M.current(ctx.bufnr) ~= nil then
          lifecycle.shown(ctx.bufnr, ctx.client_id, items[1])
        end
      end
    end
    return request(self, method, params, handler, bufnr)
  end
end

--- Our server attached to `buf`: watch its answers and, if ghost text is on, enable the built-in.
---@param buf integer
---@param client vim.lsp.Client
---@param enabled boolean
function M.attach(buf, client, enabled)
  watch(client)
  if enabled then
    inline.enable(true, { bufnr = buf })
  end
end

--- Our server left `buf`: nothing of ours to remove (ghost.lua's own autocmds have no counterpart).
function M.detach(_) end

return M
