-- Suggestion text and the buffer: what is left of a suggestion after the typing since it was made
-- (nothing when the text before the cursor no longer leads into it), how much of it one accept
-- takes, which of a new answer's suggestions continues the one shown, and inserting it with the
-- cursor after it. Used by both ghost texts (0.11 and 0.12).
local api = vim.api

local M = {}

--- The text after the cursor of the current window, to the end of its line.
---@return string
function M.after_cursor()
  return api.nvim_get_current_line():sub(api.nvim_win_get_cursor(0)[2] + 1)
end

--- What is left of `item` (a suggestion made for the cursor at `item.row`, `item.col`, with
--- `item.after` after the cursor) after the text typed since, with the cursor of the current
--- window in `buf`: nil when the cursor is before that place or elsewhere, when the text typed is
--- not the suggestion's start or is all of it, or when the text after the cursor changed (the
--- cursor moved back into what was typed, or something was typed after it).
---@param buf integer
---@param item {row: integer, col: integer, text: string, after: string}
---@return string?
function M.rest(buf, item)
  if api.nvim_get_current_buf() ~= buf then
    return nil
  end
  local cursor = api.nvim_win_get_cursor(0)
  local row, col = cursor[1] - 1, cursor[2]
  if row < item.row or (row == item.row and col < item.col) or M.after_cursor() ~= item.after then
    return nil
  end
  local ok, typed = pcall(api.nvim_buf_get_text, buf, item.row, item.col, row, col, {})
  typed = ok and table.concat(typed, '\n') or nil
  if not typed or not vim.startswith(item.text, typed) or #typed == #item.text then
    return nil
  end
  return item.text:sub(#typed + 1)
end

--- Which of `texts`, the suggestions of a new answer from the cursor on, is `shown`, what is left
--- of the suggestion on screen: typing into an alternative the user chose keeps it on screen,
--- though the answer lists the usual suggestion first. nil when none is.
---@param texts string[]
---@param shown string?
---@return integer?
function M.continuing(texts, shown)
  for i, candidate in ipairs(shown and texts or {}) do
    if candidate == shown then
      return i
    end
  end
  return nil
end

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
