complete --keep-order --exclusive --command cyi --arguments "(COMPLETE=fish cyi -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
