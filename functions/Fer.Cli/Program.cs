return await Fer.Cli.FerCommandLine.RunAsync(args).ConfigureAwait(false);
