using Fer.Api;
using Fer.Inference;
using Fer.Inference.Classification;

namespace Fer.Functions.Tests;

/// <summary>The uncertain flag as the HTTP API and the CLI's JSON say it (FaceItem is their face item).</summary>
public sealed class UncertainItemTests
{
    [Fact]
    public void A_classified_face_carries_its_uncertain_flag_and_a_rejection_none()
    {
        var doubtful = new ClassificationResult { Status = ClassificationStatus.Classified, Emotion = "Anger", Confidence = 0.31, Uncertain = true };
        var sure = doubtful with { Confidence = 0.93, Uncertain = false };
        var rejected = ClassificationResult.Rejected("no-face", "No face was found in the image.", "v");

        Assert.True(FaceItem.From(doubtful).Uncertain);
        Assert.False(FaceItem.From(sure).Uncertain);
        Assert.Null(FaceItem.From(rejected).Uncertain);
        Assert.Contains("\"uncertain\": true", FerJson.Write(FaceItem.From(doubtful)), StringComparison.Ordinal);
        Assert.Equal("Anger", FaceItem.From(doubtful).Emotion); // the label is still given
    }
}
