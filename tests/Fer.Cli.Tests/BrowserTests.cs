using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Fer.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fer.Cli.Tests;

/// <summary>
/// The web page in a real browser (the system's Chromium through Playwright) against <c>fer serve</c> and Azurite:
/// a photo gets its boxes and bars, a batch its summary, pages, thumbnails and CSV, errors are shown in words, and no
/// URL the page asks for holds a blob's name or a continuation token that leads to one (people's file names: hosts log URLs).
/// With <c>FER_SCREENSHOTS=DIR</c> it also saves the README's screenshots there (docs/images).
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class BrowserTests(Azurite azurite)
{
    private static readonly string Photos = Path.Combine(FaceApiReference.RepositoryRoot, "..", "shared", "photos");
    private static readonly string[] Emotions = ["Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger", "Neutral"];
    private const string PrivatePhoto = "family/Jane Doe at the reunion.jpg"; // a person's file name, which must stay out of every URL
    private static readonly LocatorAssertionsToHaveCountOptions Slow = new() { Timeout = 90_000 }; // the first photo loads the model on a busy machine

    [Fact]
    public async Task The_page_boxes_the_faces_of_a_photo_and_pages_a_batch_and_downloads_its_csv_and_keeps_file_names_out_of_urls()
    {
        Assert.Equal(0, await FerCommandLine.RunAsync(["model", "publish", Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), "--promote", "--connection-string", azurite.ConnectionString]));
        var batch = "browser" + Guid.NewGuid().ToString("N")[..8];

        // The group photo under a person's file name, uploaded and classified as fer upload and fer process do it.
        var folder = Directory.CreateTempSubdirectory("fer-browser-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "family"));
        File.Copy(Path.Combine(Photos, "group_10mpx.jpg"), Path.Combine(folder, PrivatePhoto));
        Assert.Equal(0, await FerCommandLine.RunAsync(["upload", folder, "--batch", batch, "--connection-string", azurite.ConnectionString]));
        Assert.Equal(0, await FerCommandLine.RunAsync(["process", "--batch", batch, "--connection-string", azurite.ConnectionString]));
        Directory.Delete(folder, recursive: true);

        await using var serve = await LocalServe.StartAsync(azurite.ConnectionString, TimeSpan.FromMinutes(4));
        using var http = new HttpClient { BaseAddress = serve.Api };
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = SystemChromium.Path,
            Args = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"], // a synthetic camera, allowed without a prompt
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 800 } });
        var requests = new ConcurrentQueue<IRequest>();
        page.Request += (_, request) => requests.Enqueue(request);
        var responses = new ConcurrentQueue<IResponse>();
        page.Response += (_, response) => responses.Enqueue(response);
        var refusedByPolicy = new ConcurrentQueue<string>(); // what the page's Content-Security-Policy blocked: nothing it needs
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                refusedByPolicy.Enqueue(message.Text);
            }
        };
        SetDefaultExpectTimeout(30_000); // CI runs the other test projects beside this one on two cores

        using var summary = await http.GetAsync($"batches/{batch}/summary");
        var privateFaces = System.Text.Json.JsonDocument.Parse(await summary.Content.ReadAsStringAsync()).RootElement.GetProperty("total").GetInt32();
        Assert.True(privateFaces > 10, $"the group photo has {privateFaces} rows, not a page's worth");

        await page.GotoAsync(new Uri(serve.Api, "ui").ToString());

        // Nothing is sent and the camera stays off until the notice is accepted: a cancelled choice sends nothing.
        var notes = new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "not an image"u8.ToArray() };
        var notice = page.Locator("#notice");
        await page.Locator("#file").SetInputFilesAsync(notes);
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("apparent expression");
        await page.ClickAsync("#notice-cancel");
        await Expect(notice).ToBeHiddenAsync();
        await Expect(page.Locator("#photo-status")).ToHaveTextAsync("Nothing was sent.");
        await page.ClickAsync("#camera-start");
        await Expect(notice).ToBeVisibleAsync();
        await Expect(page.Locator("#camera")).ToBeHiddenAsync();
        Assert.DoesNotContain(requests, r => new Uri(r.Url).AbsolutePath == "/api/classify");

        // Accepted, the camera opens (only on the button); its snapshot is classified like a file.
        await page.ClickAsync("#notice-accept");
        await Expect(notice).ToBeHiddenAsync();
        await Expect(page.Locator("#camera")).ToBeVisibleAsync();
        await page.ClickAsync("#snap");
        await Expect(page.Locator("#photo-status")).ToContainTextAsync("the camera snapshot", new() { Timeout = 90_000 });
        await page.ClickAsync("#camera-stop");
        await Expect(page.Locator("#photo-error")).ToBeHiddenAsync();

        // The notice is remembered for the tab's session, across a reload; an error is the API's sentence, shown on the page.
        await page.ReloadAsync();
        await page.Locator("#file").SetInputFilesAsync(notes);
        await Expect(page.Locator("#photo-error")).ToContainTextAsync("image-unrecognised-format");
        await Expect(notice).ToBeHiddenAsync();

        // A photo, saved to a batch: four boxes with labels, the first face's bars, another face chosen by keyboard.
        await page.FillAsync("#save-batch", batch);
        await page.Locator("#file").SetInputFilesAsync(Path.Combine(Photos, "obama_family.jpg"));
        var boxes = page.Locator("#boxes .box");
        await Expect(boxes).ToHaveCountAsync(4, Slow);
        Assert.Contains(await boxes.First.Locator(".tag").TextContentAsync(), Emotions);
        await Expect(page.Locator("#face-title")).ToContainTextAsync("Face 1 of 4");
        await Expect(page.Locator("#face-bars li")).ToHaveCountAsync(7);
        await boxes.Nth(1).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#face-title")).ToContainTextAsync("Face 2 of 4");
        await Expect(page.Locator("#batch-name")).ToHaveValueAsync(batch);
        await Screenshot("page-photo.png", path => page.ScreenshotAsync(new() { Path = path }));

        // Another photo joins the batch through the API; its rows are as many as the faces classify found.
        var faces = privateFaces + 4;
        using (var upload = await http.PostAsync($"classify?batch={batch}", new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(Photos, "biden_7mpx.jpg")))))
        {
            faces += System.Text.Json.JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("items").GetArrayLength();
        }

        // The batch: summary, ten rows a page, thumbnails, the last page, back to the first, the CSV of every row.
        Assert.Equal(faces, (await LocalServe.WaitForRowsAsync(http, batch, faces)).Count);
        await page.FillAsync("#page-size", "10");
        await page.ClickAsync("#batch-form button[type=submit]");
        await Expect(page.Locator("#summary-counts")).ToContainTextAsync($"Images3Faces{faces}");
        await Expect(page.Locator("#summary-chart li")).ToHaveCountAsync(7);
        var rows = page.Locator("#rows tbody tr");
        await Expect(rows).ToHaveCountAsync(10);
        await Expect(page.Locator("#rows tbody img.thumb").First).ToHaveAttributeAsync("src", new Regex("^data:image/jpeg"));
        await Expect(rows.Filter(new() { HasText = PrivatePhoto }).First.Locator("img.thumb")).ToHaveAttributeAsync("src", new Regex("^data:image/jpeg"));
        await Expect(page.Locator("#page-previous")).ToBeDisabledAsync();
        var pages = (faces + 9) / 10;
        for (var next = 2; next <= pages; next++)
        {
            await page.ClickAsync("#page-next");
            await Expect(page.Locator("#page-label")).ToHaveTextAsync($"Page {next}");
        }

        await Expect(rows).ToHaveCountAsync(faces - (10 * (pages - 1)));
        await Expect(page.Locator("#page-next")).ToBeDisabledAsync();
        for (var previous = pages - 1; previous >= 1; previous--)
        {
            await page.ClickAsync("#page-previous");
            await Expect(page.Locator("#page-label")).ToHaveTextAsync($"Page {previous}");
            await Expect(rows).ToHaveCountAsync(10);
        }

        await Expect(page.Locator("#page-previous")).ToBeDisabledAsync();
        await Expect(page.Locator("#rows tbody img.thumb").Nth(9)).ToHaveAttributeAsync("src", new Regex("^data:image/jpeg"));
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        var csv = await File.ReadAllLinesAsync(await download.PathAsync());
        await Screenshot("page-batch.png", path => page.Locator("#batch").ScreenshotAsync(new() { Path = path }));

        // On a phone's width the page is one column no wider than the screen (the table scrolls in its own box).
        await page.SetViewportSizeAsync(390, 844);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than a phone's screen");
        await Screenshot("page-phone.png", path => page.Locator("#photo").ScreenshotAsync(new() { Path = path }));

        Assert.Equal(batch + ".csv", download.SuggestedFilename);
        Assert.StartsWith("blobName,face,faceCount,status,emotion,confidence,uncertain,Surprise,", csv[0], StringComparison.Ordinal);
        Assert.Equal(faces + 1, csv.Length);

        // The demo model declares an uncertain threshold, so every classified face says true or false.
        Assert.All(csv[1..], line => Assert.Matches($"^{batch}/(upload-[^,]+|{Regex.Escape(PrivatePhoto)}),[0-9]+,[0-9]+,classified,({string.Join('|', Emotions)}),[0-9.e-]+,(true|false),", line));
        Assert.Equal(privateFaces, csv.Count(line => line.StartsWith($"{batch}/{PrivatePhoto},", StringComparison.Ordinal)));

        Assert.Empty(refusedByPolicy); // the camera, the photo's blob: URL, the thumbnails' data: URLs and the CSV download all ran under the policy

        // Each image was asked for once, by POST with its name in the body; no URL the page asked for holds the name
        // ("Jane" survives any URL encoding unchanged).
        var imageRequests = requests.Where(r => new Uri(r.Url).AbsolutePath == $"/api/batches/{batch}/image").ToList();
        Assert.Equal(["POST", "POST", "POST"], imageRequests.Select(r => r.Method));
        Assert.Contains(imageRequests, r => r.PostData == $"{{\"blob\":\"{batch}/{PrivatePhoto}\"}}");
        Assert.DoesNotContain(requests.Select(r => r.Url), url => url.Contains("Jane", StringComparison.OrdinalIgnoreCase));

        // Paging crossed a boundary inside the private photo's rows (it has more than a page of them, and they sort
        // together), so a continuation token led to the file's name, in base64 where "Jane" above would not see it:
        // the tokens went in the x-fer-continuation header both ways, the response header being the body's token, and
        // no URL held a token, the table token inside it or that token's row key.
        var issued = new List<string>();
        foreach (var answer in responses.Where(r => new Uri(r.Url).AbsolutePath == $"/api/batches/{batch}/results"))
        {
            var bodyToken = (await answer.JsonAsync())!.Value.GetProperty("continuationToken").GetString();
            Assert.Equal(bodyToken, await answer.HeaderValueAsync(Fer.Api.ContinuationHeader.Name));
            if (bodyToken is not null)
            {
                issued.Add(bodyToken);
            }
        }

        var sent = new List<string>();
        foreach (var request in requests.Where(r => new Uri(r.Url).AbsolutePath == $"/api/batches/{batch}/results"))
        {
            if (await request.HeaderValueAsync(Fer.Api.ContinuationHeader.Name) is { } token)
            {
                sent.Add(token);
            }
        }

        var tableTokens = issued.Distinct().Select(DecodedTableToken).ToList();
        Assert.Contains(tableTokens, table => Fer.Inference.Storage.TableKeys.Decode(NextRowKey(table))!.StartsWith(PrivatePhoto + "~", StringComparison.Ordinal));
        Assert.Equal(pages - 1, sent.Distinct().Count()); // every page after the first was asked for with its token
        Assert.Equal(issued.Distinct().Order(StringComparer.Ordinal), sent.Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(requests.Select(r => r.Url), url => url.Contains("continuationToken=", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(requests.Select(r => r.Url), url => issued.Concat(tableTokens).Concat(tableTokens.Select(NextRowKey)).Any(token => url.Contains(token, StringComparison.Ordinal) || url.Contains(Uri.EscapeDataString(token), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_pages_csv_keeps_names_that_look_like_formulas_as_text()
    {
        Assert.Equal(0, await FerCommandLine.RunAsync(["model", "publish", Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), "--promote", "--connection-string", azurite.ConnectionString]));
        var batch = "=1+2-" + Guid.NewGuid().ToString("N")[..8]; // a batch name may start with '=', and every blobName starts with its batch
        var folder = Directory.CreateTempSubdirectory("fer-browser-csv-").FullName;
        await File.WriteAllBytesAsync(Path.Combine(folder, "@SUM(1,2).png"), TestImages.Png(16, 16, SkiaSharp.SKColors.Gray));
        await File.WriteAllTextAsync(Path.Combine(folder, "-notes \"x\".png"), "not an image");
        Assert.Equal(0, await FerCommandLine.RunAsync(["upload", folder, "--batch", batch, "--connection-string", azurite.ConnectionString]));
        Assert.Equal(0, await FerCommandLine.RunAsync(["process", "--batch", batch, "--connection-string", azurite.ConnectionString]));
        Directory.Delete(folder, recursive: true);

        await using var serve = await LocalServe.StartAsync(azurite.ConnectionString, TimeSpan.FromMinutes(3));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = SystemChromium.Path });
        var page = await browser.NewPageAsync();
        SetDefaultExpectTimeout(30_000);
        await page.GotoAsync(new Uri(serve.Api, "ui").ToString());
        await page.FillAsync("#batch-name", batch);
        await page.ClickAsync("#batch-form button[type=submit]");
        await Expect(page.Locator("#rows tbody tr")).ToHaveCountAsync(2);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        var csv = await File.ReadAllLinesAsync(await download.PathAsync());

        // Each text cell that starts with = + - @ gets a leading ', quoted when it holds a comma or quote (RFC 4180); numbers stay numbers.
        Assert.Equal(3, csv.Length);
        Assert.Contains(csv[1..], line => line.StartsWith($"\"'{batch}/@SUM(1,2).png\",", StringComparison.Ordinal));
        Assert.Contains(csv[1..], line => line.StartsWith($"\"'{batch}/-notes \"\"x\"\".png\",", StringComparison.Ordinal));
        Assert.All(csv[1..], line => Assert.DoesNotContain(",=", line, StringComparison.Ordinal));
    }

    /// <summary>The next row key in a table token as Azurite writes it: base64 of the partition key, a space, base64 of the row key (a face row's key is its blob's path, escaped, + "~" + the face index).</summary>
    private static string NextRowKey(string tableToken) =>
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(tableToken.Split(' ')[1]));

    /// <summary>The table's own token inside one the results route issued (base64url JSON [batch, emotion, status, table token], a dot, a checksum): what a URL would have leaked.</summary>
    private static string DecodedTableToken(string token)
    {
        var payload = System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal)));
        return System.Text.Json.JsonSerializer.Deserialize<string?[]>(payload)![3]!;
    }

    /// <summary>Only when asked (FER_SCREENSHOTS=DIR, relative to the repository): the README's pictures are regenerated on purpose, not by every run.</summary>
    private static async Task Screenshot(string name, Func<string, Task> take)
    {
        if (Environment.GetEnvironmentVariable("FER_SCREENSHOTS") is { Length: > 0 } directory)
        {
            var folder = Path.GetFullPath(directory, FaceApiReference.RepositoryRoot);
            Directory.CreateDirectory(folder);
            await take(Path.Combine(folder, name));
        }
    }
}
