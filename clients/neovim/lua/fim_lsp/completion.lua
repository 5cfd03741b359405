-- The completion menu with Neovim's own `vim.lsp.completion` (0.11 and 0.12 alike): picking our
-- item puts in the whole suggestion, not just the first word or line Neovim inserts.
local text = require('fim_lsp.text')

local api = vim.api

local M = {}

--- On CompleteDone: Neovim's own completion inserts only the first word (0.11) or line (0.12) of a
--- plain-text item; when the user picked our item, put in the whole suggestion it stands for.
---@param name string the server's client name
function M.complete_done(name)
  local item = vim.tbl_get(vim.v.completed_item, 'user_data', 'nvim', 'lsp') or {}
  local edit = vim.tbl_get(item, 'completion_item', 'textEdit')
  local client = item.client_id and vim.lsp.get_client_by_id(item.client_id)
  if not (edit and edit.range and client and client.name == name) then
    return
  end
  local buf = api.nvim_get_current_buf()
  local tick = api.nvim_buf_get_changedtick(buf)
  vim.schedule(function()
    if api.nvim_get_current_buf() ~= buf or api.nvim_buf_get_changedtick(buf) ~= tick then
      return
    end
    local row = edit.range.start.line
    local cursor = api.nvim_win_get_cursor(0)
    local line = api.nvim_buf_get_lines(buf, row, row + 1, false)[1] or ''
    local ok, col = pcall(vim.str_byteindex, line, client.offset_encoding, edit.range.start.character, false)
    if not ok or cursor[1] - 1 ~= row or cursor[2] < col then
      return
    end
    local inserted = line:sub(col + 1, cursor[2])
    if inserted ~= edit.newText and vim.startswith(edit.newText, inserted) then
      api.nvim_buf_set_text(buf, row, col, row, cursor[2], { '' })
      text.insert_at(buf, row, col, edit.newText)
    end
  end)
end

return M
