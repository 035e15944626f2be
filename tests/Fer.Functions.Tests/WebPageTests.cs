using System.Net;
using System.Text;
using Fer.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Fer.Functions.Tests;

/// <summary>The page's files are the embedded ones, each with its content type, and a name is only ever looked up.</summary>
public sealed class WebPageTests
{
    [Theory]
    [InlineData(null, "text/html; charset=utf-8", "<title>Fer")]
    [InlineData("index.html", "text/html; charset=utf-8", "/api/ui/app.js")]
    [InlineData("app.js", "text/javascript; charset=utf-8", "x-functions-key")]
    [InlineData("app.css", "text/css; charset=utf-8", ".box")]
    public async Task The_page_and_its_files_are_served(string? file, string contentType, string content)
    {
        var answer = await GetAsync(file);

        Assert.Equal((HttpStatusCode.OK, contentType), (answer.StatusCode, answer.Header("Content-Type")));
        Assert.Contains(content, Encoding.UTF8.GetString(answer.Content), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("app.js")]
    [InlineData("no-such-file")]
    public async Task Every_answer_forbids_other_scripts_sniffing_and_framing(string? file)
    {
        var answer = await GetAsync(file);

        Assert.Equal("nosniff", answer.Header("X-Content-Type-Options"));
        Assert.Equal("DENY", answer.Header("X-Frame-Options"));
        var policy = answer.Header("Content-Security-Policy")!.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("default-src 'none'", policy["default-src"]);
        Assert.Equal("script-src 'self'", policy["script-src"]); // no inline script, no eval
        Assert.Equal("connect-src 'self'", policy["connect-src"]);
        Assert.Equal("frame-ancestors 'none'", policy["frame-ancestors"]);
    }

    [Theory]
    [InlineData("../openapi.json")]
    [InlineData("..%2Fopenapi.json")]
    [InlineData("Fer.Api.openapi.json")]
    [InlineData("APP.JS")]
    public async Task Any_other_name_is_a_json_404(string file)
    {
        var answer = await GetAsync(file);

        Assert.Equal((HttpStatusCode.NotFound, "application/json; charset=utf-8"), (answer.StatusCode, answer.Header("Content-Type")));
    }

    [Fact]
    public async Task The_page_loads_nothing_from_another_site()
    {
        foreach (var file in new[] { "index.html", "app.js", "app.css" })
        {
            var text = Encoding.UTF8.GetString((await GetAsync(file)).Content);
            Assert.DoesNotContain("http://", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("https://", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("//cdn", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The page route's answer for <paramref name="file"/> (null: the page itself), executed.</summary>
    private static async Task<TestAnswer> GetAsync(string? file)
    {
        var request = TestHttp.Request(new ServiceCollection().AddLogging().BuildServiceProvider(), "GET", file is null ? "ui" : "ui/" + file);
        return await WebPage.Get(request, file).AnswerAsync(request);
    }
}
