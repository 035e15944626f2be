using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fer.Infra.Tests;

/// <summary>
/// The documentation's own contracts: a short README that links every page, links that lead somewhere, each setting
/// and route described in one table, and a model card that names the model actually shipped.
/// </summary>
public sealed partial class DocumentationTests
{
    private const int ReadmeMaxLines = 150;

    private static string Readme => File.ReadAllText(RepositoryRoot.Combine("README.md"));

    private static IEnumerable<string> MarkdownFiles =>
        new[] { RepositoryRoot.Combine("README.md") }
            .Concat(Directory.EnumerateFiles(RepositoryRoot.Combine("docs"), "*.md"))
            .Concat(Directory.EnumerateFiles(RepositoryRoot.Combine("infra"), "*.md"))
            .Concat(Directory.EnumerateFiles(RepositoryRoot.Combine("training", "results"), "*.md", SearchOption.AllDirectories));

    [Fact]
    public void The_readme_is_at_most_150_lines()
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine("README.md")).Length;
        Assert.True(lines <= ReadmeMaxLines, $"README.md has {lines} lines; reference material belongs in docs/");
    }

    [Fact]
    public void The_readme_links_every_page_of_the_docs()
    {
        var linked = RelativeLinks(Readme).Select(link => Path.GetFileName(link.Split('#')[0])).ToHashSet(StringComparer.Ordinal);
        var pages = Directory.EnumerateFiles(RepositoryRoot.Combine("docs"), "*.md").Select(Path.GetFileName).ToList();
        var unlinked = pages.Where(page => !linked.Contains(page!)).ToList();
        Assert.Empty(unlinked);
    }

    [Fact]
    public void Every_relative_link_in_the_documentation_leads_to_a_file_or_folder()
    {
        var broken = new List<string>();
        foreach (var file in MarkdownFiles)
        {
            foreach (var link in RelativeLinks(File.ReadAllText(file)))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(link.Split('#')[0])));
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    broken.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file)}: {link}");
                }
            }
        }

        Assert.Empty(broken);
    }

    [Fact]
    public void Each_setting_has_its_table_row_only_in_the_configuration_page()
    {
        var rows = SettingRows().ToList();
        Assert.Contains(rows, row => row.File == "configuration.md" && row.Setting == "Fer__MaxImageBytes");
        var elsewhere = rows.Where(row => row.File != "configuration.md").Select(row => $"{row.File}: {row.Setting}").ToList();
        Assert.Empty(elsewhere);
    }

    [Fact]
    public void Each_route_has_its_table_row_only_in_the_http_api_page()
    {
        var rows = MarkdownFiles
            .SelectMany(file => File.ReadLines(file).Where(line => RouteRow().IsMatch(line)).Select(line => (File: Path.GetFileName(file), Line: line)))
            .ToList();
        Assert.Contains(rows, row => row.File == "http-api.md");
        var elsewhere = rows.Where(row => row.File != "http-api.md").Select(row => $"{row.File}: {row.Line}").ToList();
        Assert.Empty(elsewhere);
    }

    [Fact]
    public void The_model_card_names_the_shipped_models_version_and_calibration()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("models", "demo", "manifest.json")));
        var card = File.ReadAllText(RepositoryRoot.Combine("docs", "model-card.md"));
        var root = manifest.RootElement;
        Assert.Contains($"`{root.GetProperty("version").GetString()}`", card, StringComparison.Ordinal);
        Assert.Contains($"`{root.GetProperty("name").GetString()}`", card, StringComparison.Ordinal);
        var output = root.GetProperty("output");
        Assert.Contains($"Temperature {output.GetProperty("temperature").GetRawText()}", card, StringComparison.Ordinal);
        Assert.Contains($"`uncertainBelow` {output.GetProperty("uncertainBelow").GetRawText()}", card, StringComparison.Ordinal);
    }

    /// <summary>Markdown links and images whose target is a path in the repository (not a URL, not an anchor alone).</summary>
    private static IEnumerable<string> RelativeLinks(string markdown) =>
        MarkdownLink().Matches(markdown)
            .Select(match => match.Groups["target"].Value)
            .Where(target => !target.StartsWith('#') && !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith("mailto:", StringComparison.Ordinal));

    private static IEnumerable<(string File, string Setting)> SettingRows() =>
        MarkdownFiles.SelectMany(file => File.ReadLines(file)
            .Select(line => SettingRow().Match(line))
            .Where(match => match.Success)
            .Select(match => (Path.GetFileName(file), match.Groups["setting"].Value)));

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    /// <summary>A table row that starts with a setting's name: `Fer__X`, `FerStorage...` or `FerReconcileSchedule`.</summary>
    [GeneratedRegex(@"^\|\s*`(?<setting>Fer(__|Storage|Reconcile)[A-Za-z_]*)`")]
    private static partial Regex SettingRow();

    /// <summary>A table row that starts with an HTTP method and a path under /api.</summary>
    [GeneratedRegex(@"^\|\s*`?(GET|POST|PUT|DELETE|PATCH)`?\s*\|\s*`?/api/")]
    private static partial Regex RouteRow();
}
