using Fer.Training.Training;
using static TorchSharp.torch;

namespace Fer.Training.Tests;

public sealed class LossTests
{
    [Fact]
    public void Without_weights_or_smoothing_the_loss_is_torch_cross_entropy()
    {
        using var logits = randn([6, 7], generator: new Generator(1));
        using var labels = tensor(new long[] { 0, 1, 2, 3, 4, 6 });

        using var ours = Trainer.SmoothedCrossEntropy(logits, labels, 0);
        using var reference = nn.functional.cross_entropy(logits, labels);

        Assert.Equal(reference.item<float>(), ours.item<float>(), 5);
    }

    [Fact]
    public void Class_weights_give_a_weighted_mean_as_torch_computes_it()
    {
        using var logits = randn([8, 7], generator: new Generator(2));
        using var labels = tensor(new long[] { 2, 2, 3, 3, 3, 3, 6, 0 });
        using var weights = tensor(new float[] { 1.5f, 1, 4, 0.5f, 1, 1, 0.8f });

        using var ours = Trainer.SmoothedCrossEntropy(logits, labels, 0, weights);
        using var reference = nn.functional.cross_entropy(logits, labels, weight: weights);

        Assert.Equal(reference.item<float>(), ours.item<float>(), 5);
    }

    [Theory]
    [InlineData(ClassWeighting.Balanced, 1.0)]
    [InlineData(ClassWeighting.Sqrt, 0.5)]
    public void Rare_classes_weigh_more_by_their_inverse_frequency(ClassWeighting weighting, double power)
    {
        // 70 Happiness, 10 Disgust, 20 of the rest spread over the others.
        var labels = Enumerable.Repeat(3, 70).Concat(Enumerable.Repeat(2, 10)).Concat(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 0 : 6)).ToArray();

        using var weights = Trainer.ClassWeights(labels, weighting, CPU)!;
        var values = weights.data<float>().ToArray();

        Assert.Equal(Math.Pow(100.0 / (7 * 70), power), values[3], 5);
        Assert.Equal(Math.Pow(100.0 / (7 * 10), power), values[2], 5);
        Assert.Equal(0, values[1]); // no Fear images: nothing to weigh
        Assert.Null(Trainer.ClassWeights(labels, ClassWeighting.None, CPU));
    }

    [Fact]
    public void Soft_targets_that_are_one_hot_give_the_hard_label_loss()
    {
        using var logits = randn([5, 7], generator: new Generator(3));
        using var labels = tensor(new long[] { 0, 3, 3, 6, 2 });
        using var oneHot = nn.functional.one_hot(labels, 7).to(float32);

        using var soft = Trainer.SoftTargetCrossEntropy(logits, oneHot, labels, 0.1);
        using var hard = Trainer.SmoothedCrossEntropy(logits, labels, 0.1);

        Assert.Equal(hard.item<float>(), soft.item<float>(), 5);
    }

    [Fact]
    public void Soft_targets_are_the_cross_entropy_against_the_vote_distribution()
    {
        using var logits = tensor(new float[] { 2, 0, 0, 1, 0, 0, 0 }).view(1, 7);
        using var votes = tensor(new float[] { 0, 0, 0, 0.7f, 0, 0, 0.3f }).view(1, 7);
        using var labels = tensor(new long[] { 3 });
        var logP = nn.functional.log_softmax(logits, 1);
        var expected = -((0.7 * logP[0][3].item<float>()) + (0.3 * logP[0][6].item<float>()));

        using var loss = Trainer.SoftTargetCrossEntropy(logits, votes, labels, 0);

        Assert.Equal(expected, loss.item<float>(), 5);
    }
}
