-- Config for `vim.lsp.config('fim_lsp', {...})` / `vim.lsp.enable('fim_lsp')` (Neovim 0.11+).
-- No `filetypes`: the server attaches to every buffer that is a file (never to [No Name] or
-- special buffers), and one server serves them all. Settings go to the server in the `fimLsp`
-- section; the API key is never a setting (MISTRAL_API_KEY / CODESTRAL_API_KEY). The server's
-- messages never stop typing for "Press ENTER" (messages.lua).
---@type vim.lsp.Config
return {
  cmd = { 'fim-lsp' },
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    if name ~= '' and vim.bo[bufnr].buftype == '' then
      on_dir(vim.fs.root(bufnr, { '.git' }) or vim.fs.dirname(name))
    end
  end,
  reuse_client = function(client, config)
    return client.name == config.name and not client:is_stopped()
  end,
  settings = { fimLsp = vim.empty_dict() },
  handlers = {
    ['fimLsp/status'] = function(err, params, ctx)
      require('fim_lsp.status').on_status(err, params, ctx)
    end,
    ['window/showMessage'] = function(err, params)
      require('fim_lsp.messages').show(err, params)
    end,
  },
}
