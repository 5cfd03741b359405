-- The server's messages (`window/showMessage`) without interrupting typing: one line; in insert
-- mode cut to fit the command line (a longer one stops for "Press ENTER") and said whole once
-- insert mode is left.
local api = vim.api

local M = {}

local LEVELS = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO }
local HIGHLIGHTS = { 'ErrorMsg', 'WarningMsg' }

---@type {text: string, level: integer}[] said in insert mode, to say whole when it is left
local later = {}

local function say_later()
  local messages = later
  later = {}
  for _, m in ipairs(messages) do
    vim.notify(m.text, m.level)
  end
end

--- `text` cut to `width` display cells, with an ellipsis when cut.
local function fit(text, width)
  if vim.fn.strdisplaywidth(text) <= width then
    return text
  end
  local cut = text
  while cut ~= '' and vim.fn.strdisplaywidth(cut) > width - 1 do
    cut = vim.fn.strcharpart(cut, 0, vim.fn.strchars(cut) - 1)
  end
  return cut .. '…'
end

--- The handler for `window/showMessage` from our server.
---@param err? lsp.ResponseError
---@param params lsp.ShowMessageParams
function M.show(err, params)
  local level = type(params) == 'table' and LEVELS[params.type]
  if err or not level or type(params.message) ~= 'string' then
    return -- log messages (type 4, 5) stay in the log
  end
  local text = vim.trim((params.message:gsub('%s*\n%s*', ' ')))
  if api.nvim_get_mode().mode:sub(1, 1) ~= 'i' then
    vim.notify(text, level)
    return
  end
  api.nvim_echo({ { fit(text, math.max(vim.v.echospace, 1)), HIGHLIGHTS[params.type] } }, false, {})
  later[#later + 1] = { text = text, level = level }
  api.nvim_create_autocmd('InsertLeave', {
    group = api.nvim_create_augroup('fim_lsp.messages', { clear = true }),
    once = true,
    callback = vim.schedule_wrap(say_later),
  })
end

return M
