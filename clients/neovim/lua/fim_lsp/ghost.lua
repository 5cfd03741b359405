-- Ghost text for Neovim 0.11, which has no built-in inline completion: request
-- `textDocument/inlineCompletion` on every edit (the server debounces, caches and cancels) and
-- draw the answer with an extmark. 0.12+ uses `vim.lsp.inline_completion` instead, through
-- builtin.lua, which answers the same calls (ready, current, request, accept, dismiss, enable,
-- attach, detach).
local lifecycle = require('fim_lsp.lifecycle')
local text = require('fim_lsp.text')

local api = vim.api

local M = {}

M.ns = api.nvim_create_namespace('fim_lsp.ghost')
M.enabled = true
M.client_name = 'fim_lsp'

local INVOKED, AUTOMATIC = 1, 2

---@class fim_lsp.GhostState
---@field item? {row: integer, col: integer, text: string, after: string} the suggestion shown,
---anchored where it starts, and the text after the cursor when it came
---@field items? table[] all of the last answer's suggestions (anchored like `item`), to select from
---@field index? integer which of `items` is `item`
---@field then_select? {request: table, count: integer} after the answer to `request`, which the
---user made, move by `count`
---@field mark? integer
---@field request? {client: vim.lsp.Client, id: integer, invoked: boolean, tick: integer, row: integer, col: integer}
---the request in flight, for the text at `tick` and the cursor at (`row`, `col`)
---@field scheduled? boolean

---@type table<integer, fim_lsp.GhostState>
local states = {}

local function client_for(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = M.client_name })[1]
end

local function in_insert()
  return api.nvim_get_mode().mode:sub(1, 1) == 'i'
end

--- The window showing `buf` if it is the current one (requests and drawing follow the cursor).
local function cursor_of(buf)
  if api.nvim_get_current_buf() ~= buf then
    return nil
  end
  local pos = api.nvim_win_get_cursor(0)
  return pos[1] - 1, pos[2]
end

local function hide(buf, s)
  if s.mark then
    pcall(api.nvim_buf_del_extmark, buf, M.ns, s.mark)
    s.mark = nil
  end
end

local function cancel(s)
  local r = s.request
  s.request = nil
  if r then
    pcall(r.client.cancel_request, r.client, r.id)
  end
end

--- Forget the suggestion and any request for it.
function M.clear(buf)
  local s = states[buf]
  if s then
    cancel(s)
    s.item, s.items, s.index, s.then_select = nil, nil, nil, nil
    hide(buf, s)
  end
end

--- The dismiss key: the same as leaving insert mode.
M.dismiss = M.clear

--- Show what is left of the suggestion after the text typed since it was made, or drop it if the
--- typing went elsewhere. Returns the remaining text.
---@return string?
function M.refresh(buf)
  local s = states[buf]
  local item = s and s.item
  if not item then
    return nil
  end
  local rest = text.rest(buf, item)
  if not rest then
    s.item = nil
    hide(buf, s)
    return nil
  end
  local row, col = cursor_of(buf)
  local lines = vim.split(rest, '\n', { plain = true })
  local virt_lines = {}
  for i = 2, #lines do
    virt_lines[#virt_lines + 1] = { { lines[i], 'FimLspSuggestion' } }
  end
  s.mark = api.nvim_buf_set_extmark(buf, M.ns, row, col, {
    id = s.mark,
    virt_text = { { lines[1], 'FimLspSuggestion' } },
    virt_text_pos = 'inline',
    virt_lines = virt_lines,
    hl_mode = 'combine',
  })
  return rest
end

--- The suggestion's remaining text at the cursor (and the command its item carries), or nil.
---@return {row: integer, col: integer, text: string, command: table?, client_id: integer?}?
function M.current(buf)
  local s = states[buf]
  if not (s and s.item and s.mark) then
    return nil
  end
  local row, col = cursor_of(buf)
  local rest = M.refresh(buf)
  return rest and {
    row = row,
    col = col,
    text = rest,
    command = s.item.command,
    client_id = s.item.client_id,
  } or nil
end

--- `item`, answered for the cursor at (`row`, `col`), anchored where it starts (bytes, 0-based).
local function anchored(buf, item, row, col, client_id)
  local insert = item.insertText
  if type(insert) == 'table' then
    insert = insert.value
  end
  if type(insert) ~= 'string' or insert == '' then
    return nil
  end
  local arow, acol = row, col
  if item.range then
    local client = vim.lsp.get_client_by_id(client_id)
    local line = api.nvim_buf_get_lines(buf, item.range.start.line, item.range.start.line + 1, false)[1]
    if client and line then
      arow = item.range.start.line
      local ok, byte =
        pcall(vim.str_byteindex, line, client.offset_encoding, item.range.start.character, false)
      acol = ok and byte or col
    end
  end
  return {
    row = arow,
    col = acol,
    text = insert,
    after = text.after_cursor(),
    command = item.command,
    client_id = client_id,
    lsp_item = item,
  }
end

--- Show the `index`-th of the suggestions of the last answer in `buf`.
local function show(buf, s, index)
  s.index = index
  s.item = s.items[index]
  M.refresh(buf)
  if s.mark then
    lifecycle.shown(buf, s.item.client_id, s.item.lsp_item)
  end
end

local function on_result(buf, s, request, err, result, ctx)
  if s.request == request then
    s.request = nil
  end
  local then_select = s.then_select and s.then_select.request == request and s.then_select.count
  if then_select then
    s.then_select = nil
  end
  if err or not api.nvim_buf_is_valid(buf) or not in_insert() then
    return
  end
  local row, col = request.row, request.col
  local crow, ccol = cursor_of(buf)
  if api.nvim_buf_get_changedtick(buf) ~= request.tick or crow ~= row or ccol ~= col then
    return -- the buffer moved on; the newer request answers
  end
  local items = {}
  for _, item in ipairs(result and (result.items or result) or {}) do
    items[#items + 1] = anchored(buf, item, row, col, ctx.client_id)
  end
  if #items == 0 then
    s.item, s.items, s.index = nil, nil, nil
    hide(buf, s)
    return
  end
  local texts = {}
  for i, item in ipairs(items) do
    texts[i] = text.rest(buf, item) or ''
  end
  local shown = s.item and text.rest(buf, s.item)
  s.items = items
  show(buf, s, text.continuing(texts, shown) or 1)
  if then_select and #items > 1 then
    M.select(buf, then_select)
  end
end

--- Show the suggestion `count` items on in `buf` (negative: back), going round. With only one
--- item shown, first ask again as the user, who gets the alternatives, as VS Code does.
---@param buf integer
---@param count integer
function M.select(buf, count)
  local s = states[buf]
  if not s then
    return
  end
  if s.items and #s.items > 1 and s.mark then
    show(buf, s, (s.index - 1 + count) % #s.items + 1)
  else
    M.request(buf, true)
    s.then_select = s.request and { request = s.request, count = count }
  end
end

--- Ask the server for a suggestion at the cursor, cancelling the previous request, unless that
--- is the user's own for the same text and place (typed keys run before the scheduled request).
---@param invoked? boolean a user request (the server skips its debounce)
function M.request(buf, invoked)
  local s = states[buf]
  local client = client_for(buf)
  if not (s and client and M.enabled and in_insert()) then
    return
  end
  local row, col = cursor_of(buf)
  if not row then
    return
  end
  local tick = api.nvim_buf_get_changedtick(buf)
  local r = s.request
  if not invoked and r and r.invoked and r.tick == tick and r.row == row and r.col == col then
    return
  end
  cancel(s)
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  ---@diagnostic disable-next-line: inject-field
  params.context = { triggerKind = invoked and INVOKED or AUTOMATIC }
  local request = { client = client, invoked = invoked == true, tick = tick, row = row, col = col }
  local ok, id = client:request('textDocument/inlineCompletion', params, function(err, result, ctx)
    on_result(buf, s, request, err, result, ctx)
  end, buf)
  if ok and id then
    request.id = id
    s.request = request
  end
end

--- Insert `part` of the suggestion `s` shown in `buf` and show `rest`, what is left of it.
---@param buf integer
---@param s {row: integer, col: integer, text: string, command: table?, client_id: integer?}
---@param part string
---@param rest string
function M.accept(buf, s, part, rest)
  text.insert_at(buf, s.row, s.col, part)
  M.refresh(buf)
  if rest == '' then
    lifecycle.accepted(buf, s.command, s.client_id)
  end
end

--- Turn ghost text on or off in every buffer.
---@param enable boolean
function M.enable(enable)
  M.enabled = enable
  if not enable then
    for _, buf in ipairs(api.nvim_list_bufs()) do
      M.clear(buf)
    end
  end
end

--- On every edit or cursor move: update what is shown now, and ask again once the burst of
--- events for this keystroke is over (coalescing only; the server does the debouncing).
function M.on_edit(buf)
  local s = states[buf]
  if not s or not M.enabled then
    return
  end
  M.refresh(buf)
  if not s.scheduled then
    s.scheduled = true
    vim.schedule(function()
      s.scheduled = false
      if states[buf] == s then
        M.request(buf, false)
      end
    end)
  end
end

--- Our server attached to `buf`: ask and draw there from now on.
---@param buf integer
function M.attach(buf)
  if states[buf] then
    return
  end
  states[buf] = {}
  local group = api.nvim_create_augroup('fim_lsp.ghost.' .. buf, { clear = true })
  api.nvim_create_autocmd({ 'InsertEnter', 'TextChangedI', 'CursorMovedI', 'TextChangedP' }, {
    group = group,
    buffer = buf,
    callback = function()
      M.on_edit(buf)
    end,
  })
  api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group,
    buffer = buf,
    callback = function()
      M.clear(buf)
    end,
  })
end

--- Is ghost text set up for `buf`?
---@param buf integer
---@return boolean
function M.ready(buf)
  return states[buf] ~= nil
end

--- Our server left `buf`: forget it.
---@param buf integer
function M.detach(buf)
  if states[buf] then
    M.clear(buf)
    states[buf] = nil
    pcall(api.nvim_del_augroup_by_name, 'fim_lsp.ghost.' .. buf)
  end
end

return M
