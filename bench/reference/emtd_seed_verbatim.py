# entropic: VERBATIM copy of the ```python block of seeds/000_071173404a1a6f3c.txt
# (EMTD seed (Entropic-Merkle Tensor Dynamics), section 3.3 "Core Implementation (Python/NumPy)").
# Everything below the first blank line after this header is byte-for-byte the seed's code;
# do not edit it (test/unit/bench/verbatim.test.ts checks it). Runners exec it unmodified.

import numpy as np
import hashlib
import networkx as nx
from typing import List, Tuple

class TensorNode:
    """
    Represents a node in the EMTD manifold.
    State is a complex tensor: Real part = Data Hash, Imaginary part = Reputation.
    """
    def __init__(self, node_id: int):
        self.id = node_id
        # State vector: [Merkle_Root_Scalar, Reputation_Phase]
        self.state = np.array([0.0, 1.0]) 
        self.temperature = 100.0 # Initial high volatility

    def compute_local_hamiltonian(self, neighbors: List['TensorNode']) -> float:
        """
        Calculates H = Sum(Interaction Energy)
        Energy increases with state disagreement.
        """
        H = 0.0
        for neighbor in neighbors:
            # Euclid distance between tensor states
            diff = np.linalg.norm(self.state - neighbor.state)
            H += 0.5 * (diff ** 2)
        return H

    def update_state(self, proposed_data: float, neighbors: List['TensorNode']):
        """
        Executes Metropolis-Hastings step to decide state transition.
        """
        current_energy = self.compute_local_hamiltonian(neighbors)
        
        # Proposed new state
        original_state = self.state.copy()
        self.state[0] = proposed_data # Update Merkle component
        
        new_energy = self.compute_local_hamiltonian(neighbors)
        
        delta_E = new_energy - current_energy
        
        # Boltzmann Probability
        if delta_E > 0:
            prob = np.exp(-delta_E / self.temperature)
            if np.random.rand() > prob:
                self.state = original_state # Reject
                return False
        
        return True # Accept

class EntropicLedger:
    def __init__(self, num_nodes: int):
        self.graph = nx.watts_strogatz_graph(num_nodes, k=4, p=0.1)
        self.nodes = [TensorNode(i) for i in range(num_nodes)]
        
    def run_epoch(self, input_signal: float, decay_rate: float = 0.95):
        """
        Simulates the cooling process (Simulated Annealing).
        """
        # Inject signal into a seed node (e.g., node 0)
        self.nodes[0].update_state(input_signal, self._get_neighbors(0))
        
        # Diffuse
        converged = False
        steps = 0
        while not converged and steps < 1000:
            total_energy_change = 0
            for node in self.nodes:
                neighbors = self._get_neighbors(node.id)
                # Propagate the signal
                # In real impl, this would be gossip protocol
                prev_state = node.state.copy()
                node.update_state(self.nodes[0].state[0], neighbors)
                total_energy_change += np.linalg.norm(node.state - prev_state)
                
                # Cool down
                node.temperature *= decay_rate
            
            if total_energy_change < 1e-4:
                converged = True
            steps += 1
            
        return steps, self.nodes[0].state

    def _get_neighbors(self, node_id):
        neighbor_indices = list(self.graph.neighbors(node_id))
        return [self.nodes[i] for i in neighbor_indices]

# --- Execution ---
ledger = EntropicLedger(num_nodes=50)
steps, final_state = ledger.run_epoch(input_signal=3.14159)
print(f"System crystallized in {steps} steps. Final State Tensor: {final_state}")
