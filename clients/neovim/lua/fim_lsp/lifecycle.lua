-- Tell the server what became of the suggestion on screen: shown, or accepted in part (Copilot's
-- `textDocument/didShowCompletion` and `didPartiallyAcceptCompletion`), or accepted whole (the
-- item's own command). The server keeps the numbers on this machine only.
local M = {}

---@class fim_lsp.Shown
---@field client_id integer
---@field item table the item as the server sent it
---@field text string its insert text

---@type table<integer, fim_lsp.Shown>
local shown = {}

local function text_of(item)
  local text = item.insertText
  if type(text) == 'table' then
    text = text.value
  end
  return type(text) == 'string' and text or nil
end

--- `item` from the client `client_id` is now drawn in `buf`: say so once per item.
---@param buf integer
---@param client_id integer
---@param item table
function M.shown(buf, client_id, item)
  local text = text_of(item)
  local current = shown[buf]
  if not text or (current and current.item == item) then
    return
  end
  shown[buf] = { client_id = client_id, item = item, text = text }
  local client = vim.lsp.get_client_by_id(client_id)
  if client then
    client:notify('textDocument/didShowCompletion', { item = item })
  end
end

--- Part of the suggestion in `buf` was inserted and `rest` is left of it: report how much of the
--- item is accepted so far, in the client's position encoding.
---@param buf integer
---@param rest string
function M.partially_accepted(buf, rest)
  local current = shown[buf]
  if not (current and rest ~= '' and vim.endswith(current.text, rest)) then
    return
  end
  local client = vim.lsp.get_client_by_id(current.client_id)
  if not client then
    return
  end
  local taken = current.text:sub(1, #current.text - #rest)
  local ok, length = pcall(vim.str_utfindex, taken, client.offset_encoding)
  if ok then
    client:notify(
      'textDocument/didPartiallyAcceptCompletion',
      { item = current.item, acceptedLength = length }
    )
  end
end

--- The suggestion in `buf` was accepted whole: run the command its item carries, if any.
---@param buf integer
---@param command? lsp.Command
---@param client_id? integer
function M.accepted(buf, command, client_id)
  local client = command and client_id and vim.lsp.get_client_by_id(client_id)
  if client then
    client:exec_cmd(command, { bufnr = buf })
  end
end

--- The suggestion in `buf` is gone (accepted whole, dismissed, replaced).
---@param buf integer
function M.forget(buf)
  shown[buf] = nil
end

return M
