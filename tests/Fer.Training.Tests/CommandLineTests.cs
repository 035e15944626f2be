using Fer.Training.Cli;

namespace Fer.Training.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void The_recorded_command_masks_a_connection_string_in_both_spellings()
    {
        var recorded = CommandLine.Describe(["train", "--data", "blob:fer2013", "--connection-string", "AccountKey=secret;", "--connection-string=AccountKey=other;", "--out", "runs/r1"]);

        Assert.Equal("fer-train train --data blob:fer2013 --connection-string *** --connection-string=*** --out runs/r1", recorded);
    }

    [Theory]
    [InlineData("blob:fer2013", null, "fer2013")]
    [InlineData("data/fer2013", "data/fer2013", null)]
    public void Data_is_a_folder_or_a_blob_data_set(string value, string? folder, string? blob)
    {
        var source = DataSource.Parse(value);

        Assert.Equal(folder is null ? null : Path.GetFullPath(folder), source.Folder);
        Assert.Equal(blob, source.BlobName);
        Assert.Equal(blob is null ? Path.GetFullPath(folder!) : value, source.ToString());
    }
}
