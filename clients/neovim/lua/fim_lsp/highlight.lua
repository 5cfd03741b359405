-- The ghost text's look: `FimLspSuggestion`, italic and grey both in true colour and in a 256-colour
-- terminal. The default scheme's groups for it (Comment; on 0.12 the built-in's ComplHint, a link
-- to NonText) have GUI colours only, so without 'termguicolors' the ghost text looked like code.
local api = vim.api

local M = {}

local GREY = 244 -- of the 256 terminal colours

--- Does group `name` (its links followed) have any terminal colour or attribute?
local function has_cterm(name)
  local hl = api.nvim_get_hl(0, { name = name, link = false })
  return hl.ctermfg ~= nil or next(hl.cterm or {}) ~= nil
end

local function apply()
  local comment = api.nvim_get_hl(0, { name = 'Comment', link = false })
  api.nvim_set_hl(0, 'FimLspSuggestion', {
    default = true,
    fg = comment.fg,
    italic = true,
    ctermfg = comment.ctermfg or GREY,
    cterm = { italic = true },
  })
  -- the built-in draws with ComplHint; left alone where a colour scheme gave it terminal colours
  local hint = api.nvim_get_hl(0, { name = 'ComplHint' })
  if vim.lsp.inline_completion and hint.link == 'NonText' and not has_cterm('ComplHint') then
    api.nvim_set_hl(0, 'ComplHint', { link = 'FimLspSuggestion' })
  end
end

--- Define the highlight now and again after every colour scheme (which clears it).
function M.define()
  apply()
  api.nvim_create_autocmd('ColorScheme', {
    group = api.nvim_create_augroup('fim_lsp.highlight', { clear = true }),
    callback = apply,
  })
end

return M
