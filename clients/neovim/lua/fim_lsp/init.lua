-- fim-lsp for Neovim, the module users require: setup() starts the server through
-- `vim.lsp.enable('fim_lsp')` and maps the keys; the functions below act on the suggestion
-- shown as ghost text, whoever draws it: the built-in on 0.12+ (builtin.lua), our extmarks on
-- 0.11 (ghost.lua).
local builtin = require('fim_lsp.builtin')
local config = require('fim_lsp.config')
local keys = require('fim_lsp.keys')
local lifecycle = require('fim_lsp.lifecycle')
local text = require('fim_lsp.text')

local api = vim.api

local M = {}

M.name = 'fim_lsp'
M.builtin = builtin.available

-- Who draws the ghost text; builtin.lua and ghost.lua answer the same calls.
local ghost_text = builtin.available and builtin or require('fim_lsp.ghost')

---@type fim_lsp.Options
M.defaults = config.defaults
M.validate = config.validate -- the options merged over the defaults; raises naming a bad one
M.options = vim.deepcopy(M.defaults)
M.skipped_keys = {} ---@type string[] keys left alone because the user had mapped them
M.mapped_keys = {} ---@type string[] keys this plugin mapped
M.did_setup = false
M.enabled = true -- ghost text on (`:FimLsp toggle`)

--- Clients of this plugin's server, optionally only those attached to `buf`.
---@param buf? integer
---@return vim.lsp.Client[]
function M.clients(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = M.name })
end

--- Is ghost text on (`:FimLsp toggle` flips it)?
function M.is_enabled()
  return M.enabled
end

--- `buf`, with 0 or nil for the current buffer.
local function resolve(buf)
  return (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
end

--- Is ghost text set up for `buf` (the built-in's trigger, or ours on 0.11)?
---@param buf? integer
---@return boolean
function M.ready(buf)
  return ghost_text.ready(resolve(buf))
end

--- The suggestion shown in `buf`: where its remaining text starts and what it is.
---@param buf? integer
---@return {row: integer, col: integer, text: string}?
function M.suggestion(buf)
  return ghost_text.current(resolve(buf))
end

M.part = text.part -- the part of a suggestion one accept of a kind takes

--- Ask for a suggestion now, as the user (Invoked): the server skips its debounce, answers also in
--- manual mode (`triggerMode = 'manual'`) and sends up to `suggestions` alternatives.
function M.request()
  ghost_text.request(api.nvim_get_current_buf(), true)
end

--- Show the next (`count` 1) or previous (-1) of the alternatives, going round; with only one
--- shown, ask as the user first, then move. Returns false when nothing is shown.
---@param count integer
---@return boolean
local function select(count)
  local buf = api.nvim_get_current_buf()
  if not M.suggestion(buf) then
    return false
  end
  ghost_text.select(buf, count)
  return true
end

--- Show the next alternative (`suggestions` above 1); false when nothing is shown.
---@return boolean
function M.next()
  return select(1)
end

--- Show the previous alternative; false when nothing is shown.
---@return boolean
function M.prev()
  return select(-1)
end

--- Accept all, the next word or the rest of the line of the suggestion; the rest stays as ghost
--- text. Returns false when there is nothing to accept (so a key can fall back to itself).
---@param kind? 'all'|'word'|'line'
---@return boolean
function M.accept(kind)
  kind = kind or 'all'
  local buf = api.nvim_get_current_buf()
  local s = M.suggestion(buf)
  if not s then
    return false
  end
  local part = M.part(s.text, kind)
  local rest = s.text:sub(#part + 1)
  if rest == '' then
    lifecycle.forget(buf)
  else
    lifecycle.partially_accepted(buf, rest)
  end
  ghost_text.accept(buf, s, part, rest)
  return true
end

--- Hide the suggestion; returns false if none was shown.
---@return boolean
function M.dismiss()
  local buf = api.nvim_get_current_buf()
  local shown = M.suggestion(buf) ~= nil
  ghost_text.dismiss(buf)
  return shown
end

--- Turn ghost text on or off (all buffers).
---@param enable? boolean nil: flip
function M.toggle(enable)
  if enable == nil then
    enable = not M.enabled
  end
  M.enabled = enable
  ghost_text.enable(enable, M.clients())
  return enable
end

local function on_attach(buf, client)
  if M.options.inline then
    ghost_text.attach(buf, client, M.enabled)
  end
end

--- Configure and start: validates `opts`, registers the server config, enables it, maps keys.
---@param opts? fim_lsp.Options
function M.setup(opts)
  M.options = M.validate(opts)
  local o = M.options
  local server = { settings = { fimLsp = vim.empty_dict() } }
  if next(o.settings) then
    server.settings.fimLsp = o.settings
  end
  server.cmd = o.cmd
  server.filetypes = o.filetypes
  if o.root_markers then
    local markers = o.root_markers
    server.root_dir = function(bufnr, on_dir)
      local name = api.nvim_buf_get_name(bufnr)
      if name ~= '' and vim.bo[bufnr].buftype == '' then
        on_dir(vim.fs.root(bufnr, markers) or vim.fs.dirname(name))
      end
    end
  end
  vim.lsp.config(M.name, server)
  vim.lsp.handlers['fimLsp/status'] = vim.lsp.handlers['fimLsp/status']
    or function(err, params, ctx)
      require('fim_lsp.status').on_status(err, params, ctx)
    end

  require('fim_lsp.highlight').define()
  local group = api.nvim_create_augroup('fim_lsp', { clear = true })
  api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == M.name then
        on_attach(args.buf, client)
      end
    end,
  })
  api.nvim_create_autocmd('LspDetach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      local others = vim.tbl_filter(function(c)
        return c.id ~= args.data.client_id
      end, M.clients(args.buf))
      if client and client.name == M.name and #others == 0 then
        ghost_text.detach(args.buf)
      end
    end,
  })
  M.mapped_keys, M.skipped_keys = keys.set(M, o.keys, o.override_keys, M.mapped_keys)
  M.did_setup = true
  vim.lsp.enable(M.name)
  for _, client in ipairs(M.clients()) do -- already running (setup called twice)
    for buf in pairs(client.attached_buffers) do
      on_attach(buf, client)
    end
  end
end

--- `:FimLsp restart`: stop the server and start it again for the same buffers.
function M.restart()
  vim.lsp.enable(M.name, false)
  local function again() -- once the old clients have detached everywhere
    if #M.clients() > 0 then
      return vim.defer_fn(again, 50)
    end
    vim.lsp.enable(M.name, true)
  end
  again()
end

--- `:FimLsp stats` and `:FimLsp last` (commands.lua).
---@param command string
---@param nothing string
function M.show(command, nothing)
  require('fim_lsp.commands').show(command, nothing)
end

--- `:FimLsp status` (commands.lua).
---@return string[]
function M.status_lines()
  return require('fim_lsp.commands').status_lines()
end

return M
