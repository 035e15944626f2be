using System.CommandLine;
using Fer.Cli;

var root = new RootCommand("fer: the Fer facial-emotion recognition command line.")
{
    ModelCommands.Create(),
};

return root.Parse(args).Invoke();
