namespace Fer.Cli.Tests;

/// <summary>
/// The collection of tests that share one Azurite (<see cref="Azurite"/>, in Fer.TestUtilities). xunit 2 finds collection
/// definitions only in the test assembly itself, so each project that uses it declares this class.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AzuriteTests : ICollectionFixture<Azurite>
{
    public const string Name = "Azurite";
}
