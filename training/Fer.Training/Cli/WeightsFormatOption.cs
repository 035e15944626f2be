using System.CommandLine;
using Fer.Training.Weights;

namespace Fer.Training.Cli;

/// <summary>
/// <c>--weights-format</c> for both training verbs: the flag's names for the file formats a user can name.
/// <c>report-pth</c> was spelled <c>seed</c>, which still works with a warning.
/// </summary>
internal static class WeightsFormatOption
{
    public const string ReportPth = "report-pth";
    private const string OldReportPth = "seed";

    private static readonly (string Name, WeightFormat Format)[] Names =
        [("torchvision", WeightFormat.Torchvision), (ReportPth, WeightFormat.ReportPth), ("fer", WeightFormat.Fer)];

    /// <param name="defaultName">The verb's default: train starts from ImageNet, export writes our own checkpoints.</param>
    /// <param name="note">What the verb adds to the description.</param>
    public static Option<string> Create(string defaultName, string note = "")
    {
        var option = new Option<string>("--weights-format")
        {
            Description = $"torchvision | {ReportPth} (the student report's best_resnet50_cbam.pth) | fer{note}",
            HelpName = string.Join('|', Names.Select(n => n.Name)), // the old spelling stays out of the help
            DefaultValueFactory = _ => defaultName,
        };
        option.AcceptOnlyFromAmong([.. Names.Select(n => n.Name), OldReportPth]);
        return option;
    }

    public static WeightFormat Read(ParseResult parse, Option<string> option)
    {
        var name = parse.GetValue(option)!;
        if (name == OldReportPth)
        {
            DeprecatedSpelling.Warn($"{option.Name} {OldReportPth}", $"{option.Name} {ReportPth}");
            name = ReportPth;
        }

        return Names.Single(n => n.Name == name).Format;
    }

    /// <summary>The flag's name for a format a user can name, as recorded in a manifest's provenance.</summary>
    public static string NameOf(WeightFormat format) => Names.Single(n => n.Format == format).Name;
}
