-- The insert-mode keys: accept all, a word or a line, dismiss, request, and the next or previous
-- alternative, each mapped unless the user already mapped that key. They are expr mappings: with
-- nothing to act on, a key does what it did before, the mapping it replaced (override_keys) or what
-- the key does unmapped.
local api = vim.api

local M = {}

---@type table<string, fun(): boolean> per action name: does it have something to act on now?
local applies = {}
---@type table<string, fun()> per action name: act (run outside the expr mapping's text lock)
local acts = {}

--- Run the action `name` (the `<Cmd>` an accept key returns when there is something to accept).
---@param name string
function M.act(name)
  acts[name]()
end

--- The keys `lhs` gives when our action has nothing to act on: the mapping it replaced, kept
--- under `plug`, else the key itself as if typed and unmapped (an unmapped <M-l> is <Esc>l).
local function fall_back(lhs, plug)
  if plug then
    return plug
  end
  api.nvim_feedkeys(vim.keycode(lhs), 'nit', false)
  return ''
end

--- Keep the insert-mode mapping of `lhs` (a dict from maparg) under a <Plug> name, to fall back on.
local function keep(previous, name)
  local plug = ('<Plug>(fim-lsp-previous-%s)'):format(name:gsub('_', '-'))
  previous.lhs = plug
  previous.lhsraw = vim.keycode(plug)
  previous.lhsrawalt = nil
  previous.buffer = 0
  vim.fn.mapset('i', false, previous)
  return plug
end

--- Map `keys` to the actions of `fim` (the plugin's API), first removing this plugin's own mappings
--- of an earlier setup() (`previous`). Returns the keys mapped and, sorted, those left alone.
---@param fim table require('fim_lsp')
---@param keys fim_lsp.Keys
---@param override boolean map a key even where a mapping already exists
---@param previous string[] keys an earlier call mapped
---@return string[] mapped
---@return string[] skipped "lhs (name)" of each key left alone
function M.set(fim, keys, override, previous)
  local function shown()
    return fim.suggestion() ~= nil
  end
  applies = {
    accept = shown,
    accept_word = shown,
    accept_line = shown,
    dismiss = shown,
    next = shown,
    prev = shown,
    request = function()
      return true -- asking is always something to do (nothing is asked while ghost text is off)
    end,
  }
  acts = {
    accept = function()
      fim.accept('all')
    end,
    accept_word = function()
      fim.accept('word')
    end,
    accept_line = function()
      fim.accept('line')
    end,
    dismiss = fim.dismiss,
    next = fim.next,
    prev = fim.prev,
    request = fim.request,
  }
  for _, lhs in ipairs(previous) do -- from an earlier setup(), if still ours
    if (vim.fn.maparg(lhs, 'i', false, true).desc or ''):find('^fim%-lsp: ') then
      vim.keymap.del('i', lhs)
    end
  end
  local mapped, skipped = {}, {}
  for name in pairs(applies) do
    local lhs = keys[name]
    if lhs then
      local existing = vim.fn.maparg(lhs, 'i', false, true)
      local theirs = not vim.tbl_isempty(existing) and existing.buffer == 0
        and not (existing.desc or ''):find('^fim%-lsp: ')
      if theirs and not override then
        skipped[#skipped + 1] = ('%s (%s)'):format(lhs, name)
      else
        local plug = theirs and keep(existing, name) or nil
        vim.keymap.set('i', lhs, function()
          if applies[name]() then
            return ('<Cmd>lua require("fim_lsp.keys").act(%q)<CR>'):format(name)
          end
          return fall_back(lhs, plug)
        end, { expr = true, remap = plug ~= nil, desc = 'fim-lsp: ' .. name:gsub('_', ' ') })
        mapped[#mapped + 1] = lhs
      end
    end
  end
  table.sort(skipped)
  return mapped, skipped
end

return M
