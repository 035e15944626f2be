namespace Fer.Cli.Tests;

/// <summary>Both command lines say what a label means: the face's apparent expression, not the person's inner state.</summary>
public sealed class HelpTextTests
{
    public static TheoryData<string, string> Descriptions() => new()
    {
        { "fer", FerCommandLine.Build().Description! },
        { "fer classify", FerCommandLine.Build().Subcommands.Single(c => c.Name == "classify").Description! },
        { "fer-train", Fer.Training.Cli.FerTrainCommandLine.Build().Description! },
    };

    [Theory]
    [MemberData(nameof(Descriptions))]
    public void The_help_says_a_label_is_the_apparent_expression(string command, string description)
    {
        Assert.Contains("apparent expression", description, StringComparison.Ordinal);
        Assert.True(description.Contains("not a determination of the person's inner emotional state", StringComparison.Ordinal)
                    || description.Contains("not what the person feels", StringComparison.Ordinal), $"{command}: {description}");
    }
}
