-- fim-lsp for Neovim: starts the server through `vim.lsp.enable('fim_lsp')`, shows its suggestions
-- as ghost text (built-in `vim.lsp.inline_completion` on 0.12+, our own extmarks on 0.11) and adds
-- keys to accept all, a word or a line of a suggestion.
local completion = require('fim_lsp.completion')
local config = require('fim_lsp.config')
local keys = require('fim_lsp.keys')
local text = require('fim_lsp.text')

local api = vim.api

local M = {}

M.name = 'fim_lsp'
M.builtin = vim.lsp.inline_completion ~= nil

---@type fim_lsp.Options
M.defaults = config.defaults
M.validate = config.validate -- merges the user's options over the defaults, or raises naming the bad one
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

--- Is ghost text set up for `buf` (the built-in's trigger, or ours on 0.11)?
---@param buf? integer
---@return boolean
function M.ready(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  if M.builtin then
    local ok, autocmds = pcall(api.nvim_get_autocmds, { group = 'nvim.lsp.inline_completion:' .. buf })
    return ok and #autocmds > 0
  end
  return require('fim_lsp.ghost').attached(buf)
end

-- Neovim 0.12+: the built-in draws into this namespace; we read it for partial accepts.
local builtin_ns = api.nvim_create_namespace('nvim.lsp.inline_completion')

local function chunks_text(chunks)
  local parts = {}
  for _, chunk in ipairs(chunks or {}) do
    if chunk[2] ~= 'ComplHintMore' then -- the " (1/3)" index hint is not suggestion text
      parts[#parts + 1] = chunk[1]
    end
  end
  return table.concat(parts)
end

--- The suggestion shown in `buf`: where its remaining text starts and what it is.
---@param buf? integer
---@return {row: integer, col: integer, text: string}?
function M.suggestion(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  if not M.builtin then
    return require('fim_lsp.ghost').current(buf)
  end
  local mark = api.nvim_buf_get_extmarks(buf, builtin_ns, 0, -1, { details = true, limit = 1 })[1]
  if not mark then
    return nil
  end
  local lines = { chunks_text(mark[4].virt_text) }
  for _, line in ipairs(mark[4].virt_lines or {}) do
    lines[#lines + 1] = chunks_text(line)
  end
  local text = table.concat(lines, '\n')
  return text ~= '' and { row = mark[2], col = mark[3], text = text } or nil
end

M.part = text.part -- the part of a suggestion one accept of a kind takes

--- Ask for a suggestion now (the server skips its debounce for this one on 0.11).
function M.request()
  local buf = api.nvim_get_current_buf()
  if M.builtin then
    -- the built-in has no public trigger: run its own insert-mode trigger for this buffer
    pcall(api.nvim_exec_autocmds, 'CursorMovedI', {
      group = 'nvim.lsp.inline_completion:' .. buf,
      buffer = buf,
      modeline = false,
    })
  else
    require('fim_lsp.ghost').request(buf, true)
  end
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
  local lifecycle = require('fim_lsp.lifecycle')
  if rest == '' then
    lifecycle.forget(buf)
  else
    lifecycle.partially_accepted(buf, rest)
  end
  if not M.builtin then
    text.insert_at(buf, s.row, s.col, part)
    require('fim_lsp.ghost').refresh(buf)
    if rest == '' then
      lifecycle.accepted(buf, s.command, s.client_id)
    end
  elseif rest ~= '' and not part:find('\n', 1, true) then
    -- the built-in keeps its item and redraws what is left of it after our insertion
    text.insert_at(buf, s.row, s.col, part)
  else
    -- close the built-in's item first; what is left comes back from the server's cache
    vim.lsp.inline_completion.get({
      bufnr = buf,
      on_accept = function(item)
        text.insert_at(buf, s.row, s.col, part)
        if rest ~= '' then
          M.request()
        elseif item then
          lifecycle.accepted(buf, item.command, item.client_id)
        end
        return nil
      end,
    })
  end
  return true
end

--- Hide the suggestion; returns false if none was shown.
---@return boolean
function M.dismiss()
  local buf = api.nvim_get_current_buf()
  local shown = M.suggestion(buf) ~= nil
  if M.builtin then
    vim.lsp.inline_completion.get({
      bufnr = buf,
      on_accept = function()
        return nil
      end,
    })
  else
    require('fim_lsp.ghost').clear(buf)
  end
  return shown
end

--- Turn ghost text on or off (all buffers).
---@param enable? boolean nil: flip
function M.toggle(enable)
  if enable == nil then
    enable = not M.enabled
  end
  M.enabled = enable
  if M.builtin then
    for _, client in ipairs(M.clients()) do
      for buf in pairs(client.attached_buffers) do
        vim.lsp.inline_completion.enable(enable, { bufnr = buf })
      end
    end
  else
    local ghost = require('fim_lsp.ghost')
    ghost.enabled = enable
    if not enable then
      for _, b in ipairs(api.nvim_list_bufs()) do
        ghost.clear(b)
      end
    end
  end
  return enable
end

local function on_attach(buf, client)
  if not M.options.inline then
    return
  end
  if M.builtin then
    require('fim_lsp.lifecycle').watch_builtin(client, function(b)
      return M.suggestion(b) ~= nil
    end)
    if M.enabled then
      vim.lsp.inline_completion.enable(true, { bufnr = buf })
    end
  else
    require('fim_lsp.ghost').attach(buf)
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

  api.nvim_set_hl(0, 'FimLspSuggestion', { link = 'Comment', default = true })
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
      if client and client.name == M.name and not M.builtin and #others == 0 then
        require('fim_lsp.ghost').detach(args.buf)
      end
    end,
  })
  api.nvim_create_autocmd('CompleteDone', {
    group = group,
    callback = function()
      completion.complete_done(M.name)
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
