-- Suggestion text into the buffer: how much of it one accept takes, and inserting it with the
-- cursor after it. Used by both ghost texts (0.11 and 0.12) and by the completion-menu fix.
local api = vim.api

local M = {}

--- The part of `text` one partial accept takes.
---@param text string
---@param kind 'all'|'word'|'line'
---@return string
function M.part(text, kind)
  if kind == 'word' then
    return text:match('^%s*[%w_\128-\255]+') or text:match('^%s*[^%w_\128-\255%s]+') or text
  elseif kind == 'line' then
    return text:match('^\n?[^\n]*')
  end
  return text
end

--- Insert `text` at (`row`, `col`) of `buf` and put the cursor of the current window after it.
---@param buf integer
---@param row integer 0-based
---@param col integer byte column
---@param text string
function M.insert_at(buf, row, col, text)
  local lines = vim.split(text, '\n', { plain = true })
  api.nvim_buf_set_text(buf, row, col, row, col, lines)
  local last = #lines == 1 and col + #text or #lines[#lines]
  api.nvim_win_set_cursor(0, { row + #lines, last })
end

return M
