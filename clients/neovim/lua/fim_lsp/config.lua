-- setup()'s options: their types, their defaults and the check that turns a wrong one into an
-- error naming it (and refuses an API key, which is only ever read from the environment).
local M = {}

---@class fim_lsp.Keys
---@field accept string|false
---@field accept_word string|false
---@field accept_line string|false
---@field dismiss string|false
---@field request string|false
---@field next string|false
---@field prev string|false

---@class fim_lsp.Options
---@field cmd? string[] server command
---@field filetypes? string[] nil: every filetype
---@field root_markers? string[]
---@field settings? table sent to the server as `settings.fimLsp`
---@field inline? boolean show ghost text (false: completion menu only)
---@field keys? fim_lsp.Keys
---@field override_keys? boolean map keys even where a mapping already exists

---@type fim_lsp.Options
M.defaults = {
  cmd = nil,
  filetypes = nil,
  root_markers = nil,
  settings = {},
  inline = true,
  keys = {
    accept = '<M-l>',
    accept_word = '<M-Right>',
    accept_line = '<M-Down>',
    dismiss = '<C-]>',
    request = '<M-\\>',
    next = '<M-]>',
    prev = '<M-[>',
  },
  override_keys = false,
}

local function fail(msg)
  msg = tostring(msg):gsub('^[^\n]-:%d+: ', '') -- drop vim.validate's "file:line: "
  error('fim_lsp.setup: ' .. msg, 0)
end

local function check_unknown(tbl, allowed, where)
  for key in pairs(tbl) do
    if allowed[key] == nil then
      local names = vim.tbl_keys(allowed)
      table.sort(names)
      fail(('unknown option %s%s (known: %s)'):format(where, key, table.concat(names, ', ')))
    end
  end
end

local function is_list_of_strings(v)
  return v == nil or (vim.islist(v) and #v > 0 and vim.iter(v):all(function(s)
    return type(s) == 'string'
  end))
end

--- Validate and merge the user's options over the defaults.
---@param opts? fim_lsp.Options
---@return fim_lsp.Options
function M.validate(opts)
  local ok, err = pcall(function()
    vim.validate('opts', opts, 'table', true)
  end)
  if not ok then
    fail(err)
  end
  opts = opts or {}
  check_unknown(opts, {
    cmd = true,
    filetypes = true,
    root_markers = true,
    settings = true,
    inline = true,
    keys = true,
    override_keys = true,
  }, '')
  if opts.keys ~= nil and type(opts.keys) == 'table' then
    check_unknown(opts.keys, M.defaults.keys --[[@as table]], 'keys.')
  end
  ok, err = pcall(function()
    vim.validate('cmd', opts.cmd, is_list_of_strings, 'non-empty list of strings')
    vim.validate('filetypes', opts.filetypes, is_list_of_strings, 'non-empty list of strings')
    vim.validate('root_markers', opts.root_markers, is_list_of_strings, 'non-empty list of strings')
    vim.validate('settings', opts.settings, 'table', true)
    vim.validate('inline', opts.inline, 'boolean', true)
    vim.validate('keys', opts.keys, 'table', true)
    vim.validate('override_keys', opts.override_keys, 'boolean', true)
    for name, lhs in pairs(opts.keys or {}) do
      vim.validate('keys.' .. name, lhs, function(v)
        return v == false or (type(v) == 'string' and v ~= '')
      end, 'a key like "<M-l>" or false')
    end
    local settings = opts.settings or {}
    for _, secret in ipairs({ 'apiKey', 'api_key', 'key', 'MISTRAL_API_KEY', 'CODESTRAL_API_KEY' }) do
      if settings[secret] ~= nil then
        error(('settings.%s: the API key is never a setting; set MISTRAL_API_KEY or CODESTRAL_API_KEY in the environment'):format(secret), 0)
      end
    end
  end)
  if not ok then
    fail(err)
  end
  return vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
end

return M
