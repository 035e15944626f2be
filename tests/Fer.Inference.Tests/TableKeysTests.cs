using Fer.Inference.Storage;

namespace Fer.Inference.Tests;

public sealed class TableKeysTests
{
    public static TheoryData<string> Names => new()
    {
        "plain.jpg",
        "with space.jpg",
        "unicode-ünïcødé-表情-😀.png",
        "hash#tag.jpg",
        "question?.jpg",
        "percent%20.jpg",
        "nested/folder/face.jpg",
        "back\\slash.jpg",
        "tab\there.jpg",
        "tilde~start.jpg",
        new string('a', 1000),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Keys_are_legal_and_reverse_to_the_name(string name)
    {
        var key = TableKeys.Encode(name);

        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.True(key.Length <= TableKeys.MaxKeyLength);
        if (!key.StartsWith('~'))
        {
            Assert.Equal(name, TableKeys.Decode(key));
        }
    }

    [Fact]
    public void Different_names_give_different_keys()
    {
        string[] names = ["a%2Fb", "a/b", "a%252Fb", "a#b", "a%23b", new string('x', 1000), new string('x', 999) + "y"];

        Assert.Equal(names.Length, names.Select(TableKeys.Encode).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("batch1/face.jpg", "default", "batch1", "face.jpg")]
    [InlineData("batch1/sub/face.jpg", "default", "batch1", "sub/face.jpg")]
    [InlineData("face.jpg", "default", "default", "face.jpg")]
    [InlineData("face.jpg", "inbox", "inbox", "face.jpg")]
    public void Blob_names_map_to_batch_and_path(string blob, string defaultBatch, string batch, string path)
    {
        var name = FaceBlobName.Parse(blob, defaultBatch);
        Assert.Equal((batch, path), (name.Batch, name.PathInBatch));
    }
}
