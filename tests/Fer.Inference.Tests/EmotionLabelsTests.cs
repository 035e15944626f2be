namespace Fer.Inference.Tests;

public sealed class EmotionLabelsTests
{
    [Fact]
    public void Canonical_order_is_rafdb_labels_one_to_seven()
    {
        Assert.Equal(["Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger", "Neutral"], EmotionLabels.Canonical);
    }

    [Theory]
    [InlineData("1", 0)]
    [InlineData("7", 6)]
    [InlineData("surprised", 0)]
    [InlineData("Fearful", 1)]
    [InlineData("DISGUST", 2)]
    [InlineData("happy", 3)]
    [InlineData("Happiness", 3)]
    [InlineData("sad", 4)]
    [InlineData("angry", 5)]
    [InlineData("anger", 5)]
    [InlineData("neutral", 6)]
    [InlineData("SU", 0)]
    [InlineData("NE", 6)]
    public void Folder_names_map_case_insensitively(string folder, int index)
    {
        Assert.Equal(index, EmotionLabels.FromFolderName(folder));
    }

    [Theory]
    [InlineData("contempt")]
    [InlineData("8")]
    [InlineData("")]
    public void Unknown_folder_names_are_an_error_that_names_them(string folder)
    {
        var error = Assert.Throws<UnknownLabelException>(() => EmotionLabels.FromFolderName(folder));

        Assert.Equal(folder, error.Label);
        Assert.Contains($"'{folder}'", error.Message, StringComparison.Ordinal);
    }
}
