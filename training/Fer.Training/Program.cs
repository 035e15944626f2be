return Fer.Training.Cli.FerTrainCommandLine.Run(args);
