-- Neovim 0.12+ only: the adapter to the built-in `vim.lsp.inline_completion`, which asks our server
-- and draws the ghost text itself. This is the one module that relies on the built-in's internals
-- (its namespace and augroup names, its hint highlight, how it calls `client:request`); on 0.11 it
-- defines nothing but `available`, and ghost.lua draws instead. It answers the same calls.
--
-- The built-in keeps showing (and `get()` inserts) its item wherever the cursor goes until the next
-- answer: typed `rez` over `return` shows `rez[urn a + b]`. The guard (also set up without setup(),
-- by plugin/fim_lsp.lua) drops an item as soon as the text before the cursor no longer leads into
-- it, and asks again.
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
local INVOKED = 1 -- InlineCompletionTriggerKind

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

---@type table<integer, {row: integer, col: integer, text: string, after: string}>
local answered = {} -- per buffer: our server's item the built-in shows, anchored where it was asked

---@type table<integer, {client: vim.lsp.Client, params: table, items: table[], index: integer}>
local answers = {} -- per buffer: our server's last answer, whose items select() goes through

---@type table<integer, true>
local invoke = {} -- per buffer: the user asked, so our server's next request there is Invoked

---@type table<integer, integer>
local then_select = {} -- per buffer: after the answer to an Invoked request, move by this many

--- Is the item the built-in shows in `buf` one the text before the cursor no longer leads into?
local function stale(buf)
  local item = answered[buf]
  return item ~= nil and api.nvim_get_current_buf() == buf and text.rest(buf, item) == nil
end

local function shows(buf)
  return #api.nvim_buf_get_extmarks(buf, ns, 0, -1, { limit = 1 }) > 0
end

--- The suggestion the built-in shows in `buf`: where its remaining text starts and what it is.
---@param buf integer
---@return {row: integer, col: integer, text: string}?
function M.current(buf)
  local mark = api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true, limit = 1 })[1]
  if not mark or stale(buf) then
    return nil
  end
  local lines = { chunks_text(mark[4].virt_text) }
  for _, line in ipairs(mark[4].virt_lines or {}) do
    lines[#lines + 1] = chunks_text(line)
  end
  local shown = table.concat(lines, '\n')
  return shown ~= '' and { row = mark[2], col = mark[3], text = shown } or nil
end

--- Ask for a suggestion in `buf` now, as the user (Invoked: also in manual mode, with
--- alternatives).
---@param buf integer
function M.request(buf)
  -- the built-in has no public trigger and asks as Automatic: run its own insert-mode trigger for
  -- this buffer, and let watch() turn the request it sends into an Invoked one
  invoke[buf] = true
  local ok = pcall(api.nvim_exec_autocmds, 'CursorMovedI', {
    group = augroup(buf),
    buffer = buf,
    modeline = false,
  })
  if not ok then
    invoke[buf] = nil
  end
end

--- Drop the built-in's item in `buf` (hidden now, gone once `get()` runs), then ask again for the
--- text as it is now: dropping it also stopped the built-in's pending request.
local function drop(buf)
  answered[buf] = nil
  api.nvim_buf_clear_namespace(buf, ns, 0, -1)
  inline.get({
    bufnr = buf,
    on_accept = function()
      if api.nvim_get_current_buf() == buf and api.nvim_get_mode().mode:sub(1, 1) == 'i' then
        M.request(buf)
      end
      return nil
    end,
  })
end

--- `item`, answered to `params` in `buf`, as text anchored where it starts (bytes, 0-based).
local function anchored(client, buf, params, item)
  local insert = item.insertText
  insert = type(insert) == 'table' and insert.value or insert
  local at = item.range and item.range.start or params.position
  local line = api.nvim_buf_get_lines(buf, at.line, at.line + 1, false)[1]
  if type(insert) ~= 'string' or not line then
    return nil
  end
  local ok, col = pcall(vim.str_byteindex, line, client.offset_encoding, at.character, false)
  return ok and { row = at.line, col = col, text = insert, after = text.after_cursor() } or nil
end

--- After the built-in redrew for a cursor move or an edit: drop what no longer fits.
local function check(buf)
  if stale(buf) then
    if shows(buf) then
      drop(buf)
    else
      answered[buf] = nil
    end
  end
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

--- The built-in now shows the selected item of our server's last answer in `buf` (or nothing):
--- keep it, anchored, to guard it, and report it shown.
local function follow(buf)
  local last = answers[buf]
  local item = last and shows(buf) and last.items[last.index]
  answered[buf] = item and anchored(last.client, buf, last.params, item) or nil
  check(buf) -- an answer for text typed over since
  if item and M.current(buf) ~= nil then
    lifecycle.shown(buf, last.client.id, item)
  end
end

--- Show the suggestion `count` items on in `buf` (negative: back), going round. With only one
--- item shown, first ask again as the user, who gets the alternatives, as VS Code does.
---@param buf integer
---@param count integer
function M.select(buf, count)
  local last = answers[buf]
  if last and #last.items > 1 and shows(buf) then
    -- the built-in goes round the items of its last answer the same way
    last.index = (last.index - 1 + count) % #last.items + 1
    inline.select({ bufnr = buf, count = count })
    follow(buf)
  else
    then_select[buf] = count
    M.request(buf)
  end
end

--- Hide the suggestion in `buf`: close the built-in's item without inserting it.
---@param buf integer
function M.dismiss(buf)
  answered[buf] = nil
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
--- so that what it shows can be reported and checked.
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
      local buf = bufnr or params.textDocument and vim.uri_to_bufnr(params.textDocument.uri)
      local select_after = then_select[buf]
      if invoke[buf] and params.context then
        params.context.triggerKind = INVOKED
        invoke[buf], then_select[buf] = nil, nil
      else
        select_after = nil
      end
      local inner = handler
      handler = function(err, result, ctx, config)
        buf = ctx.bufnr
        local shown = buf and answered[buf] and not stale(buf) and text.rest(buf, answered[buf])
        inner(err, result, ctx, config)
        local items = not err and result and (result.items or result) or {}
        if not (buf and api.nvim_buf_is_valid(buf)) then
          return
        end
        answers[buf] = #items > 0 and { client = self, params = params, items = items, index = 1 }
          or nil
        local texts = {}
        for i, item in ipairs(items) do
          local anchor = anchored(self, buf, params, item)
          texts[i] = anchor and text.rest(buf, anchor) or ''
        end
        -- the built-in shows the first item of every answer: move on to the one the user chose
        local keep = text.continuing(texts, shown)
        if select_after and #items > 1 and shows(buf) then
          M.select(buf, select_after)
        elseif keep and keep > 1 and shows(buf) then
          M.select(buf, keep - 1)
        else
          follow(buf)
        end
      end
    end
    return request(self, method, params, handler, bufnr)
  end
end

--- Guard the built-in's ghost text of our server in `buf` (see the top of this file).
---@param buf integer
---@param client vim.lsp.Client
function M.guard(buf, client)
  watch(client)
  local group = api.nvim_create_augroup('fim_lsp.guard.' .. buf, { clear = true })
  local function after_builtin()
    -- autocmds run in the order they were made: made anew on entering insert mode, ours come
    -- after the built-in's, which redraw its item on every cursor move
    local moves = api.nvim_create_augroup('fim_lsp.guard.moves.' .. buf, { clear = true })
    api.nvim_create_autocmd({ 'CursorMovedI', 'TextChangedI' }, {
      group = moves,
      buffer = buf,
      callback = function()
        check(buf)
      end,
    })
  end
  api.nvim_create_autocmd('InsertEnter', { group = group, buffer = buf, callback = after_builtin })
  api.nvim_create_autocmd({ 'InsertLeave', 'BufWipeout' }, {
    group = group,
    buffer = buf,
    callback = function()
      answered[buf], answers[buf], invoke[buf], then_select[buf] = nil, nil, nil, nil
    end,
  })
  after_builtin()
end

--- Our server attached to `buf`: guard and watch its answers and, if ghost text is on, enable the
--- built-in.
---@param buf integer
---@param client vim.lsp.Client
---@param enabled boolean
function M.attach(buf, client, enabled)
  M.guard(buf, client)
  if enabled then
    inline.enable(true, { bufnr = buf })
  end
end

--- Our server left `buf`: nothing of ours to remove (ghost.lua's own autocmds have no counterpart).
function M.detach(_) end

return M
