-- `:checkhealth fim_lsp`: Neovim version, server executable, API key variable, attached client.
local M = {}

-- the server's providers, their key variables and its default provider (a generated copy)
local providers = require('fim_lsp.providers')

local function provider_of(config)
  local settings = vim.tbl_get(config, 'settings', 'fimLsp') or {}
  return settings.provider or vim.env.FIM_LSP_PROVIDER or providers.default
end

local function key_set(config, variable)
  return (config.cmd_env or {})[variable] ~= nil or (vim.env[variable] or '') ~= ''
end

-- Is there a key for the provider the server will use? As the server decides: a named provider
-- reads its own variable; `auto` takes the first of its variables that is set, else tries Ollama.
-- Returns the variables it reported missing, so that the server's status does not say it again.
local function check_key(health, config)
  local provider = provider_of(config)
  if provider == providers.auto then
    local tried = {}
    for _, pair in ipairs(providers.auto_keys) do
      local variable, picks = pair[1], pair[2]
      if key_set(config, variable) then
        health.ok(('%s is set (provider auto uses %s)'):format(variable, picks))
        return {}
      end
      tried[#tried + 1] = variable
    end
    local missing = table.concat(tried, ' is not set, nor ')
    health.warn(('%s: provider auto then uses a local Ollama if one answers'):format(missing), {
      ('Set %s in the environment Neovim starts in (the key is never a setting)'):format(tried[1]),
      'or choose a provider in setup({ settings = { provider = ... } })',
    })
    return tried
  end
  local variable = providers.key_variables[provider]
  if not variable then
    local names = table.concat(providers.names, ', ')
    health.error(('unknown provider %q (one of %s)'):format(tostring(provider), names))
  elseif key_set(config, variable) then
    health.ok(('%s is set (provider %s)'):format(variable, provider))
  elseif providers.key_required[provider] then
    health.error(('%s is not set: provider %s needs it'):format(variable, provider), {
      ('Set %s in the environment Neovim starts in (the key is never a setting)'):format(variable),
    })
    return { variable }
  else
    local text = 'provider %s needs no key (%s is sent if set, for a server that wants one)'
    health.ok(text:format(provider, variable))
  end
  return {}
end

--- The buffer the user ran `:checkhealth` from: the report is in a buffer of its own, and the
--- user's is the alternate one.
local function user_buffer()
  local alternate = vim.fn.bufnr('#')
  return alternate > 0 and vim.api.nvim_buf_is_valid(alternate) and alternate
    or vim.api.nvim_get_current_buf()
end

--- Does the server's `message` say what the key check said already (a variable it named)?
local function told(message, missing)
  for _, variable in ipairs(missing) do
    if message:find(variable, 1, true) then
      return true
    end
  end
  return false
end

function M.check()
  local health = vim.health
  local fim = require('fim_lsp')

  health.start('Neovim')
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.11') == 0 then
    health.error(('Neovim %s is too old; fim_lsp needs 0.11 or newer'):format(version))
  elseif fim.builtin then
    health.ok(('Neovim %s: ghost text by the built-in vim.lsp.inline_completion'):format(version))
  else
    health.ok(('Neovim %s: ghost text drawn by fim_lsp (0.12+ would use the built-in)'):format(version))
  end
  if fim.did_setup then
    health.ok('setup() was called')
  else
    health.warn("setup() was not called", { "Call require('fim_lsp').setup() (lazy.nvim: opts = {})" })
  end
  if #fim.skipped_keys > 0 then
    health.warn('keys not mapped because they were already mapped: ' .. table.concat(fim.skipped_keys, ', '), {
      'Choose other keys in setup({ keys = ... }) or set override_keys = true',
    })
  end

  health.start('Server')
  local config = vim.lsp.config[fim.name] or {}
  local cmd = config.cmd
  if type(cmd) ~= 'table' then
    health.info('cmd is a function; cannot check the executable')
  elseif vim.fn.executable(cmd[1]) == 1 then
    health.ok(('server executable found: %s'):format(vim.fn.exepath(cmd[1])))
  else
    health.error(('server executable not found: %s'):format(tostring(cmd[1])), {
      'Install fim-lsp (pip install fim-lsp / pipx) or set setup({ cmd = { "/path/to/fim-lsp" } })',
    })
  end

  local missing = check_key(health, config)

  health.start('Client')
  local clients = fim.clients()
  if #clients == 0 then
    health.warn('no fim_lsp client is running', {
      'Open a file; if it still does not start, see :FimLsp log',
    })
  end
  local status = require('fim_lsp.status')
  local buf = user_buffer()
  local name = vim.api.nvim_buf_get_name(buf)
  name = name ~= '' and vim.fn.fnamemodify(name, ':~:.') or ('buffer ' .. buf)
  for _, client in ipairs(clients) do
    local attached = client.attached_buffers[buf] and 'attached to ' or 'not attached to '
    local line = ('client %d %s%s'):format(client.id, attached, name)
    local s = status.by_client[client.id]
    if s and s.kind == 'error' and not told(s.message, missing) then
      health.error(('%s; server reports: %s'):format(line, s.message))
    elseif s and s.kind == 'warning' and not told(s.message, missing) then
      health.warn(('%s; server reports: %s'):format(line, s.message))
    elseif s and (s.kind == 'error' or s.kind == 'warning') then
      health.info(('%s; server reports the missing key above'):format(line))
    else
      health.ok(('%s; status %s'):format(line, status.describe(client.id)))
    end
  end
end

return M
