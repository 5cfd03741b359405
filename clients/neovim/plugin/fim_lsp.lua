-- Defines `:FimLsp status|toggle|restart|log|stats|last`, and on Neovim 0.12+ guards the built-in
-- ghost text of the fim_lsp server also without setup() (builtin.lua says why); everything else
-- starts with require('fim_lsp').setup().
if vim.g.loaded_fim_lsp then
  return
end
vim.g.loaded_fim_lsp = true

local subcommands = {
  status = function()
    local lines = require('fim_lsp.commands').status_lines()
    vim.api.nvim_echo({ { table.concat(lines, '\n') } }, false, {})
  end,
  toggle = function()
    local on = require('fim_lsp').toggle()
    vim.notify('fim-lsp ghost text ' .. (on and 'on' or 'off'))
  end,
  restart = function()
    require('fim_lsp').restart()
  end,
  log = function()
    require('fim_lsp.commands').log()
  end,
  stats = function()
    require('fim_lsp.commands').show('fimLsp.stats', 'no statistics')
  end,
  last = function()
    require('fim_lsp.commands').show('fimLsp.lastRequest', 'no request was sent yet')
  end,
}

vim.api.nvim_create_user_command('FimLsp', function(cmd)
  local run = subcommands[cmd.fargs[1] or 'status']
  if not run then
    vim.notify('FimLsp: unknown subcommand ' .. cmd.fargs[1] .. ' (status, toggle, restart, log, stats, last)', vim.log.levels.ERROR)
    return
  end
  run()
end, {
  nargs = '?',
  desc = 'fim-lsp: status, toggle, restart, log, stats or last (the last request sent)',
  complete = function(arg)
    return vim.tbl_filter(function(name)
      return vim.startswith(name, arg)
    end, { 'last', 'log', 'restart', 'stats', 'status', 'toggle' })
  end,
})

if vim.lsp.inline_completion then
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('fim_lsp.plugin', { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == 'fim_lsp' then
        require('fim_lsp.builtin').guard(args.buf, client)
        require('fim_lsp.highlight').define()
      end
    end,
  })
end
