namespace Fer.Training.Tests;

/// <summary>
/// Tests that run a fer-train verb with the console redirected. They run alone, after the others: the console is
/// global, and a progress bar started elsewhere would keep writing to a capture that has been disposed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleTests
{
    public const string Name = "fer-train on the console";
}
