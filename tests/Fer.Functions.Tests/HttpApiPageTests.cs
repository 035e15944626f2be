using System.Reflection;
using Fer.Api;
using Fer.Inference.Preprocessing;

namespace Fer.Functions.Tests;

/// <summary>docs/http-api.md, the API's page for people, has a row for every route of the table and every error code an answer can carry.</summary>
public sealed class HttpApiPageTests
{
    private static readonly string[] Page = File.ReadAllLines(Path.Combine(Fer.Testing.TestRepository.Root, "docs", "http-api.md"));

    [Fact]
    public void Every_route_of_the_table_has_its_row()
    {
        Assert.All(ApiRoutes.All, route => Assert.Contains(Page, line => line.StartsWith($"| `{route.Method}` | `/api/{route.Template}` |", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_error_code_has_its_row()
    {
        // The image codes an answer carries; no-face and image-processing-failed are items' and rows' codes, not errors.
        var codes = Constants(typeof(ApiErrorCodes)).Concat(Constants(typeof(ImageErrorCodes)).Except([ImageErrorCodes.NoFace, ImageErrorCodes.ProcessingFailed]));

        Assert.All(codes, code => Assert.Contains(Page, line => line.StartsWith($"| `{code}` |", StringComparison.Ordinal)));
    }

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
}
