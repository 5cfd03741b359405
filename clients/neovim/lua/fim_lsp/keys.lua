-- The insert-mode keys: accept all, a word or a line, dismiss and request, each mapped unless the
-- user already mapped that key; with nothing to act on, a key types itself.
local api = vim.api

local M = {}

--- Map `keys` to the actions of `fim` (the plugin's API), first removing this plugin's own mappings
--- of an earlier setup() (`previous`). Returns the keys mapped and, sorted, those left alone.
---@param fim table require('fim_lsp')
---@param keys fim_lsp.Keys
---@param override boolean map a key even where a mapping already exists
---@param previous string[] keys an earlier call mapped
---@return string[] mapped
---@return string[] skipped "lhs (name)" of each key left alone
function M.set(fim, keys, override, previous)
  local actions = {
    accept = function()
      return fim.accept('all')
    end,
    accept_word = function()
      return fim.accept('word')
    end,
    accept_line = function()
      return fim.accept('line')
    end,
    dismiss = fim.dismiss,
    request = function()
      fim.request()
      return true
    end,
  }
  for _, lhs in ipairs(previous) do -- from an earlier setup(), if still ours
    if (vim.fn.maparg(lhs, 'i', false, true).desc or ''):find('^fim%-lsp: ') then
      vim.keymap.del('i', lhs)
    end
  end
  local mapped, skipped = {}, {}
  for name, action in pairs(actions) do
    local lhs = keys[name]
    if lhs then
      if not override and vim.fn.maparg(lhs, 'i') ~= '' then
        skipped[#skipped + 1] = ('%s (%s)'):format(lhs, name)
      else
        vim.keymap.set('i', lhs, function()
          if not action() then -- nothing to act on: the key does what it did before
            api.nvim_feedkeys(vim.keycode(lhs), 'n', false)
          end
        end, { desc = 'fim-lsp: ' .. name:gsub('_', ' ') })
        mapped[#mapped + 1] = lhs
      end
    end
  end
  table.sort(skipped)
  return mapped, skipped
end

return M
